import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";
import * as oidc from "openid-client";
import type { Page } from "playwright-core";
import { freePort } from "./free-port.ts";

/**
 * The operator's authorization server, as the MCP tests need it: oidc-provider (certified) on loopback,
 * issuing RFC 9068 JWT access tokens whose audience is the MCP endpoint (RFC 8707 resource indicators),
 * with its development login and consent pages (any login, any password) that a real browser fills in.
 *
 * Clients: `mcp-agent` (public, code + PKCE: an MCP host signing its user in), `blc-connect`
 * (confidential: the connect page's sign-in, which gets an ID token and no token for the MCP resource).
 */
export interface McpAuthorizationServer {
  issuer: string;
  connectClient: { id: string; secret: string };
  /** What an MCP host does to get its user's access token: the person signs in in `page` as `login`. */
  agentLogin(page: Page, login: string, scope?: string): Promise<string>;
  close(): Promise<void>;
}

/** On the server's own pages: signs in as `login` when asked and consents when asked, until the page leaves it. */
export async function passSignIn(page: Page, issuer: string, login: string): Promise<void> {
  for (let step = 0; step < 5 && page.url().startsWith(issuer); step++) {
    const at = page.url();
    if (await page.locator('input[name="login"]').count()) {
      await page.locator('input[name="login"]').fill(login);
      await page.locator('input[name="password"]').fill("any password");
    } else if (!(await page.locator('button[type="submit"]').count())) return;
    await Promise.all([
      page.waitForURL((url) => url.href !== at),
      page.locator('button[type="submit"]').first().click(),
    ]);
  }
}

export async function startMcpAuthorizationServer(options: {
  /** The MCP endpoint (PUBLIC_URL/mcp). */
  resource: string;
  /** The connect page's callback (PUBLIC_URL/mcp/connect-callback). */
  connectRedirectUri: string;
  /** Scopes the server knows besides openid (default ["mcp"]). */
  scopes?: string[];
}): Promise<McpAuthorizationServer> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const connectClient = { id: "blc-connect", secret: "connect-client-secret-0123456789" };
  const scopes = options.scopes ?? ["mcp"];
  // The agent's redirect: a loopback listener, as a native MCP host runs one.
  let lastCallback: string | undefined;
  const callbacks: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", agentBase);
    if (url.pathname === "/agent-callback") lastCallback = url.href;
    res.end("Back at the agent.");
  });
  await new Promise<void>((resolve) => callbacks.listen(0, "127.0.0.1", resolve));
  const agentBase = `http://127.0.0.1:${(callbacks.address() as AddressInfo).port}`;
  const agentRedirect = `${agentBase}/agent-callback`;

  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: "mcp-test-1", alg: "RS256", use: "sig" }] },
    clients: [
      {
        client_id: "mcp-agent",
        token_endpoint_auth_method: "none",
        redirect_uris: [agentRedirect],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
      {
        client_id: connectClient.id,
        client_secret: connectClient.secret,
        token_endpoint_auth_method: "client_secret_post",
        redirect_uris: [options.connectRedirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    scopes: ["openid", ...scopes],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Only the agent gets tokens for the MCP endpoint; the connect page's sign-in gets an ID token alone.
        defaultResource: async (_ctx: unknown, client: { clientId: string }, oneOf?: string) =>
          client.clientId === connectClient.id ? undefined : (oneOf ?? options.resource),
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, resource: string, client: { clientId: string }) => {
          if (resource !== options.resource || client.clientId === connectClient.id)
            throw new Error(`no tokens for ${resource}`);
          return {
            scope: scopes.join(" "),
            audience: options.resource,
            accessTokenFormat: "jwt",
            accessTokenTTL: 900,
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
    },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
    cookies: { keys: ["mcp-test-cookie-key-0123456789abcdef"] },
    ttl: { AccessToken: 900, AuthorizationCode: 60, IdToken: 900, Session: 3600, Grant: 3600, Interaction: 600 },
  });
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));

  return {
    issuer,
    connectClient,
    async agentLogin(page, login, scope = `openid ${scopes.join(" ")}`) {
      const config = await oidc.discovery(new URL(issuer), "mcp-agent", undefined, oidc.None(), {
        execute: [oidc.allowInsecureRequests],
      });
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: agentRedirect,
        scope,
        resource: options.resource,
        state,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
      });
      lastCallback = undefined;
      await page.goto(url.href);
      await passSignIn(page, issuer, login);
      const callback = lastCallback as string | undefined;
      if (!callback?.includes(`state=${state}`))
        throw new Error(`the agent got no callback; the page is at ${page.url()}`);
      const tokens = await oidc.authorizationCodeGrant(
        config,
        new URL(callback),
        { pkceCodeVerifier: verifier, expectedState: state },
        { resource: options.resource },
      );
      return tokens.access_token;
    },
    close: async () => {
      for (const s of [server, callbacks]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}
