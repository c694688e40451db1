import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { cors } from "hono/cors";
import {
  type CredentialDeletionDeps,
  deleteCredential,
  deletedOAuth2Schema,
} from "../credentials/credential-deletion.ts";
import {
  type CredentialMetadata,
  credentialKindSchema,
  credentialStatusSchema,
} from "../credentials/credential-metadata-schema.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import { credentialView } from "../credentials/credential-view.ts";
import { ApiError, errorBody } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { credentialIdSchema } from "../http/route-params.ts";
import { createApiRouter } from "../http/router.ts";
import { apiKeyFieldViewSchema } from "../providers/provider-view.ts";
import { BINDING_HEADER, bindingCookie, holdsBinding, newBinding, readBindingHeader } from "./connect-binding.ts";
import { verifyConnectCheck } from "./connect-check.ts";
import { type ConnectAccess, type ConnectKind, endStarted, linkErrors } from "./connect-kind.ts";
import type { ConnectLink, ConnectLinks, ResolvedLink } from "./connect-links.ts";
import { withOutcome } from "./return-url.ts";

const asset = (name: string) => readFileSync(new URL(`./page/${name}`, import.meta.url), "utf8");
const PAGE = asset("connect.html");
const SCRIPT = asset("connect.js");
const COMPONENTS = readFileSync(new URL("./components/components.js", import.meta.url));
/** Compressed once: 37 kB become 10 kB for phones on slow networks. */
const COMPONENTS_GZIP = gzipSync(COMPONENTS, { level: 9 });
const COMPONENTS_ETAG = `"${createHash("sha256").update(COMPONENTS).digest("base64url").slice(0, 22)}"`;
const STYLE = asset("connect.css");
const ERROR_PAGE = asset("link-error.html");

const OPENED_ELSEWHERE =
  "This link was already opened in another browser, or this browser did not keep the page's cookie; ask the app for a new link";
const UNCHECKED = "This link opens only when the app sends you here; go back to the app and open the page from there";
const WRONG_ORIGIN = "This link works only in the app page it was made for";

/** What the error pages say: title, then what to do. */
const PAGES = {
  invalid: [
    "This link is not valid",
    "Check that the whole link was copied, or go back to the app and open the page from there again.",
  ],
  expired: [
    "This link has expired",
    "Links to this page work for a short time only. Go back to the app and open the page from there again.",
  ],
  revoked: [
    "This link was withdrawn",
    "The app withdrew this link. Go back to the app and open the page from there again.",
  ],
  elsewhere: [
    "This link was already opened in another browser",
    "A link to this page works in one browser only: the one that opened it first. Ask the app for a new one.",
  ],
  unchecked: [
    "Open this page from the app",
    "This link opens only when the app sends you here. Go back to the app and open the page from there again.",
  ],
  component: [
    "This link is for the app's own page",
    "It works only inside the app that made it, in its connect buttons. Go back to the app.",
  ],
} as const;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The error a request on a link that no longer works gets. */
function linkFailure(resolved: Extract<ResolvedLink, { ok: false }>): ApiError {
  if (resolved.reason === "expired")
    return new ApiError(410, "connect_link_expired", "This connect link has expired; ask the app for a new one");
  if (resolved.reason === "revoked")
    return new ApiError(410, "connect_link_revoked", "The app withdrew this connect link; ask the app for a new one");
  return new ApiError(404, "connect_link_invalid", "This connect link is not valid; ask the app for a new one");
}

const tokenParam = z.object({ token: z.string().max(200) });

const providerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    fields: z.array(apiKeyFieldViewSchema).optional().describe("API-key providers: the form's fields"),
  })
  .openapi("ConnectProvider");
const linkSchema = z
  .object({
    expiresAt: z.string().describe("When the page stops working (once opened: the end of its use in this browser)"),
    returnUrl: z.string().optional(),
    successUrl: z.string().optional().describe("Where the page sends the person once connected"),
    errorUrl: z.string().optional().describe("Where the page sends the person when connecting did not work out"),
    message: z.string().optional(),
    manageOrgClients: z
      .boolean()
      .optional()
      .describe("The link may set and remove the organisation's OAuth clients of the OAuth2 providers it offers"),
    providers: z.array(providerSchema),
  })
  .openapi("ConnectLinkView");
const openedSchema = linkSchema
  .extend({
    binding: z
      .string()
      .optional()
      .describe(
        "Component links, on the first open only: the secret to send as X-Connect-Binding with every later request (keep it in memory)",
      ),
  })
  .openapi("ConnectLinkOpened");
const connectionSchema = z
  .object({
    id: z.string(),
    providerId: z.string(),
    providerName: z.string(),
    kind: credentialKindSchema,
    status: credentialStatusSchema,
    createdAt: z.string(),
    lastVerifiedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    suspect: z.boolean().optional(),
  })
  .openapi("Connection");

const html = (description: string) => ({ content: { "text/html": { schema: z.string() } }, description });

const pageRoute = createRoute({
  method: "get",
  path: "/connect/{token}",
  summary: "The connect page (HTML); an error page when the link is forged, expired, revoked or another browser's",
  request: {
    params: tokenParam,
    query: z.object({
      check: z
        .string()
        .optional()
        .describe("The app's connect check, needed to open the link the first time when CONNECT_VERIFIER_KEY is set"),
    }),
  },
  responses: {
    200: html("The page"),
    403: html("The link was opened in another browser, or it needs the app's check and has none that holds"),
    404: html("Unknown or forged link"),
    410: html("The link has expired, or the app revoked it"),
  },
});
const openRoute = createRoute({
  method: "post",
  path: "/connect/{token}/open",
  summary:
    "The page's first call: binds the link to this browser (an HttpOnly cookie) if no browser has it yet, and answers what it offers",
  description:
    "The first browser to call this gets the link: a cookie holding a random secret, whose SHA-256 the link keeps; every other endpoint of the link answers only to that cookie. A component link (minted with componentOrigin) answers the secret in the body instead, once, to a request from its origin; every later request sends it as X-Connect-Binding. With CONNECT_VERIFIER_KEY set, the first call needs `check` (the app's connect check from the page's `?check=`).",
  request: {
    params: tokenParam,
    body: {
      required: false,
      content: {
        "application/json": {
          schema: z.object({ check: z.string().max(100).optional().describe("The page's ?check=") }).strict(),
        },
      },
    },
  },
  responses: {
    200: jsonResponse("The link, opened in this browser", openedSchema),
    ...errorResponses([400, 415]),
    ...linkErrors(),
  },
});
const linkRoute = createRoute({
  method: "get",
  path: "/connect/{token}/link",
  summary: "What the link offers: its providers, return URL, message and expiry",
  request: { params: tokenParam },
  responses: { 200: jsonResponse("The link", linkSchema), ...linkErrors() },
});
const connectionsRoute = createRoute({
  method: "get",
  path: "/connect/{token}/connections",
  summary: "The link subject's connections (credentials of the providers the link offers)",
  request: { params: tokenParam },
  responses: {
    200: jsonResponse("Connections, newest first", z.object({ connections: z.array(connectionSchema) })),
    ...linkErrors(),
  },
});
const disconnectRoute = createRoute({
  method: "delete",
  path: "/connect/{token}/connections/{credentialId}",
  summary:
    "Disconnect: delete one of the link subject's credentials (an OAuth2 one revoked at its provider first, as DELETE /credentials/{id} does)",
  request: { params: tokenParam.extend({ credentialId: credentialIdSchema }) },
  responses: {
    200: jsonResponse(
      "An OAuth2 connection, deleted after asking its provider to revoke its tokens: whether that worked",
      deletedOAuth2Schema,
    ),
    204: { description: "Deleted" },
    ...errorResponses([400]),
    ...linkErrors("Unknown or forged link, or no such credential of the link's subject and providers"),
  },
});

export interface ConnectPageDeps extends CredentialDeletionDeps {
  links: ConnectLinks;
  /** CONNECT_VERIFIER_KEY: a link opens the first time only with the app's check (connect-check.ts). */
  verifierKey?: string;
  vault: CredentialVault;
  kinds: ConnectKind[];
  /** Origins allowed to embed the page (CSP frame-ancestors): the live view's list, since the page embeds the live view. */
  frameAncestors: string[];
  /** The address links start with; the live view the page frames is on it. */
  publicUrl: () => string;
  /** CONNECT_COMPONENT_ORIGINS: app pages whose connect components may call the link endpoints (CORS). */
  componentOrigins: readonly string[];
}

/**
 * The connect page and its endpoints, served without an API key: the connect link's token in the
 * path is the capability. Every endpoint resolves it first, and acts for the link's subject only.
 */
export function connectPageRoutes(deps: ConnectPageDeps) {
  const app = createApiRouter();
  // A function: the public address is known only once the API listens (PORT=0).
  const headers = () => ({
    "content-security-policy": [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      `frame-src 'self' ${new URL(deps.publicUrl()).origin}`,
      `frame-ancestors ${deps.frameAncestors.length ? deps.frameAncestors.join(" ") : "'none'"}`,
      "base-uri 'none'",
      "form-action 'none'",
    ].join("; "),
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });

  const providersOf = (link: ConnectLink) =>
    deps.kinds
      .flatMap(({ kind, providers }) => providers().map((p) => ({ ...p, kind })))
      .filter((p) => access.offers(link, p.id));

  // The address, hence whether the cookie can be Secure, is known only once the API listens.
  const cookie = () =>
    bindingCookie({
      secure: new URL(deps.publicUrl()).protocol === "https:",
      embedded: deps.frameAncestors.length > 0,
    });

  /** The link, still working, or the 404/410 thrown: whoever asks. */
  const workingLink = async (c: Context) => {
    const resolved = await deps.links.resolve(c.req.param("token") ?? "");
    if (resolved.ok) return resolved.link;
    throw linkFailure(resolved);
  };

  /**
   * The page's own requests are same-origin: a browser saying it sends a cross-site one (another
   * page posting to a link it knows) is refused before the cookie counts, wherever SameSite=None
   * (the embedded case) would let the cookie go along.
   */
  const refuseCrossSite = (c: Context) => {
    const site = c.req.header("sec-fetch-site");
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && site && site !== "same-origin") {
      throw new ApiError(403, "cross_site_request", "Only the connect page itself may make this request");
    }
  };

  /**
   * The binding secret a request presents, after the checks its kind of link asks for: a page link's
   * cookie, from the page itself; a component link's header, from the app page it was minted for
   * (the Origin browsers send; a listed origin still, should the operator have removed it since).
   */
  const presentedBinding = (c: Context, link: ConnectLink) => {
    if (!link.componentOrigin) {
      refuseCrossSite(c);
      return cookie().read(c);
    }
    const origin = c.req.header("origin");
    if (origin !== link.componentOrigin || !deps.componentOrigins.includes(origin)) {
      throw new ApiError(403, "origin_not_allowed", WRONG_ORIGIN);
    }
    return readBindingHeader(c);
  };

  const access: ConnectAccess = {
    async linkOf(c) {
      const link = await workingLink(c);
      const presented = presentedBinding(c, link);
      if (!link.binding) {
        throw new ApiError(403, "connect_link_not_opened", "Open the connect link in a browser first");
      }
      if (!holdsBinding(presented, link.binding)) {
        throw new ApiError(403, "connect_link_opened_elsewhere", OPENED_ELSEWHERE);
      }
      return link;
    },
    offers: (link, providerId) => !link.providers || link.providers.includes(providerId),
    requireOffered(link, providerId, kind) {
      if (!providersOf(link).some((p) => p.id === providerId && p.kind === kind)) {
        throw new ApiError(404, "provider_not_found", `This link does not offer provider ${providerId}`);
      }
    },
    async started(link, kind, id) {
      if (await deps.links.noteStarted(link, { kind, id })) return;
      // Revoked between this request's check and now: what it just started goes too.
      await endStarted(deps.kinds, [{ kind, id }]);
      throw linkFailure({ ok: false, reason: "revoked", link });
    },
  };

  const connectionView = (m: CredentialMetadata, link: ConnectLink) => {
    const { id, providerId, kind, status, createdAt, lastVerifiedAt, expiresAt } = credentialView(m);
    const providerName = providersOf(link).find((p) => p.id === providerId)?.name ?? providerId;
    return {
      id,
      providerId,
      providerName,
      kind,
      status,
      createdAt,
      lastVerifiedAt,
      expiresAt,
      ...(m.suspect ? { suspect: true } : {}),
    };
  };
  const connectionsOf = async (link: ConnectLink) =>
    (await deps.vault.list(link.subject))
      .filter((m) => access.offers(link, m.providerId))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  const linkView = (link: ConnectLink) => {
    const { usableUntil, returnUrl, successUrl, errorUrl, message, manageOrgClients } = link;
    return {
      expiresAt: usableUntil,
      ...(returnUrl ? { returnUrl } : {}),
      ...(successUrl ? { successUrl } : {}),
      ...(errorUrl ? { errorUrl } : {}),
      ...(message ? { message } : {}),
      ...(manageOrgClients ? { manageOrgClients } : {}),
      providers: providersOf(link),
    };
  };

  // The connect components' calls come from app pages on other origins: CORS allows exactly the
  // listed ones, with no credentials (a component link's proof is a header, never a cookie). A
  // preflight from any other origin is refused outright. The app's own /connect/links is not for
  // browsers and gets no CORS.
  const corsForComponents = cors({
    origin: (origin) => (deps.componentOrigins.includes(origin) ? origin : null),
    allowMethods: ["GET", "POST", "PUT", "DELETE"],
    allowHeaders: ["content-type", BINDING_HEADER],
    maxAge: 600,
  });
  app.use("/connect/:token/*", async (c, next) => {
    if (c.req.param("token") === "links") return next();
    const origin = c.req.header("origin");
    if (c.req.method === "OPTIONS" && (!origin || !deps.componentOrigins.includes(origin))) {
      return c.json(errorBody("origin_not_allowed", "This origin may not call the connect endpoints"), 403);
    }
    return corsForComponents(c, next);
  });

  // The components' one script, for <script src> on the app's page: public, the same for everyone,
  // readable cross-origin (so that apps may pin it with Subresource Integrity).
  app.get("/connect-assets/components.js", (c) => {
    const headers = {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=300",
      etag: COMPONENTS_ETAG,
      vary: "accept-encoding",
      "access-control-allow-origin": "*",
      "cross-origin-resource-policy": "cross-origin",
      "x-content-type-options": "nosniff",
    };
    if (c.req.header("if-none-match") === COMPONENTS_ETAG) return c.body(null, 304, headers);
    const gzip = /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
    return gzip
      ? c.body(new Uint8Array(COMPONENTS_GZIP), 200, { ...headers, "content-encoding": "gzip" })
      : c.body(new Uint8Array(COMPONENTS), 200, headers);
  });

  app.get("/connect-assets/connect.js", (c) =>
    c.body(SCRIPT, 200, { ...headers(), "content-type": "text/javascript; charset=utf-8" }),
  );
  app.get("/connect-assets/connect.css", (c) =>
    c.body(STYLE, 200, { ...headers(), "content-type": "text/css; charset=utf-8" }),
  );

  app.openapi(pageRoute, async (c, next) => {
    const { token } = c.req.valid("param");
    // GET /connect/links is the app's list of its links (behind a service key, mounted later), not a page.
    if (token === "links") {
      await next();
      return c.res;
    }
    const resolved = await deps.links.resolve(token);
    const page = (status: 403 | 404 | 410, [title, text]: readonly [string, string], back?: string) =>
      c.html(
        ERROR_PAGE.replaceAll("{{title}}", title)
          .replace("{{text}}", text)
          .replace("{{back}}", back ? `<p><a href="${escapeHtml(back)}">Back to the app</a></p>` : ""),
        status,
        headers(),
      );
    // The app's error address, with what went wrong, for a link it minted with one.
    const backTo = (link: ConnectLink, status: string) => link.errorUrl && withOutcome(link.errorUrl, { status });
    if (!resolved.ok) {
      if (resolved.reason === "invalid") return page(404, PAGES.invalid);
      return page(410, PAGES[resolved.reason], backTo(resolved.link, `link_${resolved.reason}`));
    }
    const { link } = resolved;
    // A component link opens in the app's page, by its components, never as a page of its own.
    if (link.componentOrigin) return page(403, PAGES.component);
    if (link.binding) {
      if (!holdsBinding(cookie().read(c), link.binding))
        return page(403, PAGES.elsewhere, backTo(link, "link_refused"));
    } else if (deps.verifierKey && !verifyConnectCheck(deps.verifierKey, link.id, c.req.valid("query").check)) {
      // Said before the page runs; the binding itself (POST …/open) checks again.
      return page(403, PAGES.unchecked, backTo(link, "link_refused"));
    }
    return c.html(PAGE, 200, headers());
  });

  app.openapi(openRoute, async (c) => {
    const link = await workingLink(c);
    const held = presentedBinding(c, link);
    /** A component link's new binding secret, answered once. */
    let issued: string | undefined;
    if (!link.binding || !holdsBinding(held, link.binding)) {
      if (link.binding) throw new ApiError(403, "connect_link_opened_elsewhere", OPENED_ELSEWHERE);
      const body = c.req.header("content-type") ? c.req.valid("json") : {};
      if (deps.verifierKey && !verifyConnectCheck(deps.verifierKey, link.id, body.check)) {
        throw new ApiError(403, "connect_check_failed", UNCHECKED);
      }
      const { secret, digest } = newBinding();
      const opened = await deps.links.open(link, digest);
      if (opened.outcome === "revoked") throw linkFailure({ ok: false, reason: "revoked", link });
      if (opened.outcome === "gone") throw linkFailure({ ok: false, reason: "invalid" });
      // Another browser's open came first (the same link opened twice at once): exactly one wins.
      if (opened.outcome !== "bound") throw new ApiError(403, "connect_link_opened_elsewhere", OPENED_ELSEWHERE);
      if (link.componentOrigin) issued = secret;
      else cookie().set(c, `/connect/${c.req.valid("param").token}`, secret, new Date(opened.usableUntil!));
      link.usableUntil = opened.usableUntil!;
    }
    c.header("cache-control", "no-store");
    return c.json({ ...linkView(link), ...(issued ? { binding: issued } : {}) }, 200);
  });

  app.openapi(linkRoute, async (c) => c.json(linkView(await access.linkOf(c)), 200));

  app.openapi(connectionsRoute, async (c) => {
    const link = await access.linkOf(c);
    return c.json({ connections: (await connectionsOf(link)).map((m) => connectionView(m, link)) }, 200);
  });

  app.openapi(disconnectRoute, async (c) => {
    const link = await access.linkOf(c);
    const { credentialId } = c.req.valid("param");
    const own = (await connectionsOf(link)).some((m) => m.id === credentialId);
    const deleted = own
      ? await deleteCredential(deps, credentialId, link.subject, { requestId: c.get("requestId") })
      : undefined;
    if (!deleted) throw new ApiError(404, "credential_not_found", `No credential ${credentialId}`);
    return deleted.revocation
      ? c.json({ credentialId, deleted: true as const, revocation: deleted.revocation }, 200)
      : c.body(null, 204);
  });

  for (const kind of deps.kinds) kind.register(app, access);
  return app;
}
