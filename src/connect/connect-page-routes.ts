import { readFileSync } from "node:fs";
import { createRoute, z } from "@hono/zod-openapi";
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
import { ApiError } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { credentialIdSchema } from "../http/route-params.ts";
import { createApiRouter } from "../http/router.ts";
import { apiKeyFieldViewSchema } from "../providers/provider-view.ts";
import { type ConnectAccess, type ConnectKind, linkErrors } from "./connect-kind.ts";
import type { ConnectLink, ConnectLinks } from "./connect-links.ts";

const asset = (name: string) => readFileSync(new URL(`./page/${name}`, import.meta.url), "utf8");
const PAGE = asset("connect.html");
const SCRIPT = asset("connect.js");
const STYLE = asset("connect.css");
const ERROR_PAGE = asset("link-error.html");

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
    expiresAt: z.string(),
    returnUrl: z.string().optional(),
    message: z.string().optional(),
    providers: z.array(providerSchema),
  })
  .openapi("ConnectLinkView");
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
  summary: "The connect page (HTML); an error page when the link is forged or expired",
  request: { params: tokenParam },
  responses: { 200: html("The page"), 404: html("Unknown or forged link"), 410: html("The link has expired") },
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
  vault: CredentialVault;
  kinds: ConnectKind[];
  /** Origins allowed to embed the page (CSP frame-ancestors): the live view's list, since the page embeds the live view. */
  frameAncestors: string[];
  /** The address links start with; the live view the page frames is on it. */
  publicUrl: () => string;
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

  const access: ConnectAccess = {
    async linkOf(c) {
      const resolved = await deps.links.resolve(c.req.param("token") ?? "");
      if (resolved.ok) return resolved.link;
      if (resolved.reason === "expired")
        throw new ApiError(410, "connect_link_expired", "This connect link has expired; ask the app for a new one");
      throw new ApiError(404, "connect_link_invalid", "This connect link is not valid");
    },
    offers: (link, providerId) => !link.providers || link.providers.includes(providerId),
    requireOffered(link, providerId, kind) {
      if (!providersOf(link).some((p) => p.id === providerId && p.kind === kind)) {
        throw new ApiError(404, "provider_not_found", `This link does not offer provider ${providerId}`);
      }
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

  app.get("/connect-assets/connect.js", (c) =>
    c.body(SCRIPT, 200, { ...headers(), "content-type": "text/javascript; charset=utf-8" }),
  );
  app.get("/connect-assets/connect.css", (c) =>
    c.body(STYLE, 200, { ...headers(), "content-type": "text/css; charset=utf-8" }),
  );

  app.openapi(pageRoute, async (c) => {
    const resolved = await deps.links.resolve(c.req.valid("param").token);
    if (resolved.ok) return c.html(PAGE, 200, headers());
    const [title, text] =
      resolved.reason === "expired"
        ? [
            "This link has expired",
            "Links to this page work for a short time only. Go back to the app and open the page from there again.",
          ]
        : [
            "This link is not valid",
            "Check that the whole link was copied, or go back to the app and open the page from there again.",
          ];
    return c.html(
      ERROR_PAGE.replaceAll("{{title}}", title).replace("{{text}}", text),
      resolved.reason === "expired" ? 410 : 404,
      headers(),
    );
  });

  app.openapi(linkRoute, async (c) => {
    const link = await access.linkOf(c);
    const { expiresAt, returnUrl, message } = link;
    return c.json(
      { expiresAt, ...(returnUrl ? { returnUrl } : {}), ...(message ? { message } : {}), providers: providersOf(link) },
      200,
    );
  });

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
