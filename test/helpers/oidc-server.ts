import { createServer, type Server } from "node:http";
import Provider from "oidc-provider";
import * as oidc from "openid-client";
import { freePort } from "./free-port.ts";

export interface OidcClientSpec {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/**
 * A real OAuth 2 / OpenID server (oidc-provider, certified) on loopback: PKCE required, refresh
 * tokens rotated on every use, an RFC 7009 revocation endpoint, its own login and consent pages
 * (any login and password). It counts the requests the tests assert on and records every token it
 * hands out, so they can be looked for where they must not be.
 */
export interface OidcServer {
  issuer: string;
  /** Access-token lifetime for tokens issued from now on (seconds). */
  setAccessTokenTtl(seconds: number): void;
  /** Refresh requests (grant_type=refresh_token) received, whatever their outcome. */
  refreshRequests(): number;
  /** Revocation requests received. */
  revocationRequests(): number;
  /** Every access and refresh token issued, in order. */
  issued: { accessTokens: string[]; refreshTokens: string[] };
  /** A refresh token grant sent directly by a client of this server: the token response, or the error code. */
  refreshDirect(
    client: OidcClientSpec,
    refreshToken: string,
  ): Promise<{ ok: true; accessToken: string; refreshToken?: string } | { ok: false; error: string }>;
  close(): Promise<void>;
}

export async function startOidcServer({ clients }: { clients: OidcClientSpec[] }): Promise<OidcServer> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  let accessTokenTtl = 3600;
  let refreshes = 0;
  let revocations = 0;
  const issued = { accessTokens: [] as string[], refreshTokens: [] as string[] };

  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    })),
    features: { revocation: { enabled: true }, devInteractions: { enabled: true } },
    pkce: { required: () => true },
    rotateRefreshToken: true,
    // Every code exchange gets a refresh token (the default asks for offline_access and prompt=consent).
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed("refresh_token"),
    ttl: {
      AccessToken: () => accessTokenTtl,
      AuthorizationCode: 60,
      RefreshToken: 86_400,
      Grant: 86_400,
      Session: 3600,
      Interaction: 600,
      IdToken: 3600,
    },
    scopes: ["openid", "offline_access", "api"],
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
    cookies: { keys: ["oidc-test-cookie-key-0123456789"] },
  });
  provider.use(async (ctx, next) => {
    await next();
    const route = ctx.oidc;
    if (route?.route === "token" && route.params?.grant_type === "refresh_token") refreshes += 1;
    if (route?.route === "revocation") revocations += 1;
    const body = ctx.body as { access_token?: string; refresh_token?: string } | undefined;
    if (route?.route === "token" && body && typeof body === "object") {
      if (body.access_token) issued.accessTokens.push(body.access_token);
      if (body.refresh_token) issued.refreshTokens.push(body.refresh_token);
    }
  });
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));

  return {
    issuer,
    setAccessTokenTtl: (seconds) => (accessTokenTtl = seconds),
    refreshRequests: () => refreshes,
    revocationRequests: () => revocations,
    issued,
    async refreshDirect(client, refreshToken) {
      const config = await oidc.discovery(
        new URL(issuer),
        client.clientId,
        client.clientSecret,
        oidc.ClientSecretPost(client.clientSecret),
        { execute: [oidc.allowInsecureRequests] },
      );
      try {
        const response = await oidc.refreshTokenGrant(config, refreshToken);
        return {
          ok: true,
          accessToken: response.access_token,
          ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
        };
      } catch (error) {
        return { ok: false, error: error instanceof oidc.ResponseBodyError ? error.error : String(error) };
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
