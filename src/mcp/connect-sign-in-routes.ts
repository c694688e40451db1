import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Redis } from "ioredis";
import * as oidc from "openid-client";
import { holdsBinding, newBinding } from "../connect/connect-binding.ts";
import { mintConnectCheck } from "../connect/connect-check.ts";
import type { ConnectLinks } from "../connect/connect-links.ts";
import { redisKeys } from "../core/redis-keys.ts";
import { sameOwner } from "../core/subject.ts";
import { createApiRouter } from "../http/router.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import type { AuthorizationServer } from "./authorization-server.ts";
import type { ConnectRequests } from "./connect-requests.ts";

const PAGES = {
  invalid: ["This link is not valid", "Check that the whole link was copied, or ask your agent again."],
  expired: ["This link has expired", "It works for a few minutes only. Ask your agent again."],
  used: ["This link was already used", "It works once. Ask your agent again."],
  lost: ["This sign-in was not recognised", "Open the link from your agent again, in this browser."],
  failed: ["The sign-in did not work", "Open the link from your agent again."],
  unavailable: ["The sign-in service is not reachable", "Try again in a moment."],
  other: [
    "This link is for another account",
    "You signed in as someone other than the person whose agent asked. Nothing was connected, and the link still works for them.",
  ],
} as const;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const html = (description: string) => ({ content: { "text/html": { schema: z.string() } }, description });

const startRoute = createRoute({
  method: "get",
  path: "/mcp/connect/{token}",
  summary: "An MCP connect URL: the person signs in at the authorization server first (a redirect there)",
  request: { params: z.object({ token: z.string().max(200) }) },
  responses: {
    302: { description: "To the authorization server's sign-in" },
    404: html("The link is not valid"),
    410: html("The link has expired or was used"),
    503: html("The authorization server is not reachable"),
  },
});

const callbackRoute = createRoute({
  method: "get",
  path: "/mcp/connect-callback",
  summary: "Back from the sign-in: the connect page for the request's own user only",
  request: {
    query: z.object({ state: z.string().max(200).optional(), code: z.string().max(4096).optional() }).loose(),
  },
  responses: {
    303: { description: "To the connect page for the one provider" },
    400: html("The sign-in was not recognised or did not work"),
    403: html("The person who signed in is not the request's user (nothing is used up)"),
    410: html("The link has expired or was used"),
  },
});

/** A sign-in in progress, kept by its OAuth state until the person comes back (once). */
interface SignIn {
  requestId: string;
  verifier: string;
  nonce: string;
  /** SHA-256 of the secret in the browser's cookie: the callback must come back to the browser that left. */
  binding: string;
}

const COOKIE = "blc_mcp_sign_in";

export interface SignInDeps {
  redis: Redis;
  prefix: string;
  authorizationServer: AuthorizationServer;
  requests: ConnectRequests;
  links: ConnectLinks;
  providers: ProviderRegistry;
  publicUrl: () => string;
  ttlMs: number;
  /** CONNECT_VERIFIER_KEY: the connect link this page sends the person to needs the check, which the service mints here. */
  verifierKey?: string;
}

/**
 * The page behind an MCP connect URL. The URL names a pending request, not a person, so the person
 * signs in at the operator's authorization server (authorization code with PKCE and a nonce; the
 * state is single-use and tied to this browser by a cookie), and only the request's own user goes on:
 * the request is used up, and they land on the connect page for that one provider, through a connect
 * link minted for them there and then. Someone else who signs in is told the link is not theirs and
 * uses nothing up.
 */
export function connectSignInRoutes(deps: SignInDeps) {
  const app = createApiRouter();
  const keys = redisKeys(deps.prefix);
  const base = () => deps.publicUrl().replace(/\/+$/, "");
  const secure = () => base().startsWith("https:");
  const page = (c: Context, status: 400 | 403 | 404 | 410 | 503, [title, text]: readonly [string, string]) =>
    c.html(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><link rel="icon" href="data:,"></head><body><main><h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(text)}</p></main></body></html>`,
      status,
      {
        "content-security-policy": "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        "referrer-policy": "no-referrer",
        "cache-control": "no-store",
      },
    );

  app.openapi(startRoute, async (c) => {
    const resolved = await deps.requests.resolve(c.req.valid("param").token);
    if (!resolved.ok) return page(c, resolved.reason === "invalid" ? 404 : 410, PAGES[resolved.reason]);
    const config = await deps.authorizationServer.connectClient().catch(() => undefined);
    if (!config) return page(c, 503, PAGES.unavailable);
    const state = oidc.randomState();
    const signIn: SignIn = {
      requestId: resolved.request.id,
      verifier: oidc.randomPKCECodeVerifier(),
      nonce: oidc.randomNonce(),
      binding: "",
    };
    const binding = newBinding();
    signIn.binding = binding.digest;
    await deps.redis.set(keys.mcpSignIn(state), JSON.stringify(signIn), "PX", deps.ttlMs);
    setCookie(c, COOKIE, binding.secret, {
      path: "/mcp/connect-callback",
      httpOnly: true,
      secure: secure(),
      // Lax: the person comes back from the authorization server by a cross-site redirect.
      sameSite: "Lax",
      maxAge: Math.ceil(deps.ttlMs / 1000),
    });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${base()}/mcp/connect-callback`,
      scope: "openid",
      state,
      nonce: signIn.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(signIn.verifier),
      code_challenge_method: "S256",
    });
    c.header("cache-control", "no-store");
    c.header("referrer-policy", "no-referrer");
    return c.redirect(url.href, 302);
  });

  app.openapi(callbackRoute, async (c) => {
    const state = c.req.valid("query").state ?? "";
    // GETDEL: a state is good for one callback, whatever happens next.
    const stored = state && (await deps.redis.getdel(keys.mcpSignIn(state)));
    const signIn = stored ? (JSON.parse(stored) as SignIn) : undefined;
    if (!signIn || !holdsBinding(getCookie(c, COOKIE), signIn.binding)) return page(c, 400, PAGES.lost);
    const request = await deps.requests.get(signIn.requestId);
    if (!request) return page(c, 410, PAGES.expired);

    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(
        await deps.authorizationServer.connectClient(),
        new URL(c.req.url.replace(/^[a-z]+:\/\/[^/]+/, base())),
        { pkceCodeVerifier: signIn.verifier, expectedState: state, expectedNonce: signIn.nonce, idTokenExpected: true },
      );
      claims = tokens.claims();
    } catch {
      return page(c, 400, PAGES.failed);
    }
    const person = claims && deps.authorizationServer.subjectOf(claims);
    // Someone else's request (forwarded, or sent to them on purpose): nothing is used up, nothing said of whose it is.
    if (!person || !sameOwner(person, request.subject)) return page(c, 403, PAGES.other);
    if (!(await deps.requests.consume(request.id))) return page(c, 410, PAGES.used);

    const provider = deps.providers.get(request.providerId);
    const link = await deps.links.mint(
      {
        subject: request.subject,
        providers: [request.providerId],
        message: `Connect ${provider?.name ?? request.providerId} for your agent (${request.clientId}).`,
      },
      deps.ttlMs,
    );
    const check = deps.verifierKey ? `?check=${mintConnectCheck(deps.verifierKey, link.id)}` : "";
    c.header("cache-control", "no-store");
    c.header("referrer-policy", "no-referrer");
    return c.redirect(`${base()}/connect/${link.token}${check}`, 303);
  });

  return app;
}
