import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { pathId } from "../http/openapi/path-id.ts";
import { subjectSecurity } from "../http/openapi/security.ts";
import { createApiRouter } from "../http/router.ts";
import { type ConnectKind, endStarted } from "./connect-kind.ts";
import type { ConnectLinks } from "./connect-links.ts";
import { checkReturnUrl } from "./return-url.ts";

const returnUrl = (what: string) =>
  z
    .string()
    .max(2048)
    .optional()
    .describe(`${what}: a URL of a scheme CONNECT_RETURN_SCHEMES allows (http(s) by default), without credentials`);

const linkIdSchema = pathId(/^cl_[0-9a-f]{32}$/, "connect link", "cl_6f1c0e4a9b2d47e8a3c5f0b1d2e3f4a5");

const mintRoute = createRoute({
  method: "post",
  path: "/connect/links",
  summary: "Mint a short-lived connect page link for the caller's subject",
  // The shared constant's inferred type has an optional member the OpenAPI types refuse.
  security: subjectSecurity,
  request: {
    body: {
      required: false,
      content: {
        "application/json": {
          schema: z
            .object({
              providers: z
                .array(z.string().min(1).max(64))
                .min(1)
                .max(100)
                .optional()
                .describe("Provider ids to offer (default: all)"),
              returnUrl: returnUrl("Where the page's Back link leads"),
              successUrl: returnUrl(
                "Where the page sends the person once a connection is made, with ?status=connected&providerId=…",
              ),
              errorUrl: returnUrl(
                "Where the page sends the person when connecting did not work out (?status=cancelled|failed|link_expired|link_revoked|link_refused, and providerId)",
              ),
              message: z.string().max(500).optional().describe("A line the page shows above the providers"),
              componentOrigin: z
                .string()
                .max(256)
                .optional()
                .describe(
                  "Makes a component link, for the connect components on the app page of this origin (one of CONNECT_COMPONENT_ORIGINS): it opens no page, answers only requests from that origin, and is bound by a header (X-Connect-Binding) instead of a cookie",
                ),
              manageOrgClients: z
                .boolean()
                .optional()
                .describe(
                  "The link may set and remove the organisation's OAuth clients for the OAuth2 providers it offers (mint it only for an organisation admin; needs x-subject-org-id)",
                ),
              ttlSeconds: z
                .number()
                .int()
                .min(1)
                .max(3600)
                .optional()
                .describe("Time to open it (default and most: CONNECT_LINK_TTL_SECONDS)"),
            })
            .strict(),
        },
      },
    },
  },
  responses: {
    201: jsonResponse(
      "The link: send the user there at once. Until a browser opens it, it is a bearer link; the first browser to open it keeps it",
      z
        .object({
          id: linkIdSchema.describe("The link's id: to revoke it, and to mint its connect check"),
          url: z.string(),
          expiresAt: z.string().describe("The deadline to open it"),
        })
        .openapi("ConnectLinkMinted"),
    ),
    ...errorResponses([400, 401, 403, 404, 415], {
      400: "The request did not validate (`invalid_request`: a return URL, ttlSeconds or componentOrigin not allowed), or manageOrgClients without x-subject-org-id (`org_required`)",
      403: "manageOrgClients for a user who is not an admin of the organisation (`org_admin_required`): send x-subject-org-role: admin",
      404: "A provider that is not configured (`provider_not_found`)",
    }),
  },
});

const linkSummarySchema = z
  .object({
    id: linkIdSchema,
    expiresAt: z.string().describe("The deadline to open it"),
    usableUntil: z.string().describe("When it stops working: expiresAt until opened, then the end of its use there"),
    openedAt: z.string().optional().describe("When a browser opened it (and got it)"),
    providers: z.array(z.string()).optional(),
    componentOrigin: z.string().optional().describe("A component link: the app page's origin it works in"),
  })
  .openapi("ConnectLinkSummary");

const listRoute = createRoute({
  method: "get",
  path: "/connect/links",
  summary: "The caller's subject's connect links that still work (not expired, not revoked)",
  security: subjectSecurity,
  responses: {
    200: jsonResponse("At most 1000, soonest to stop working first", z.object({ links: z.array(linkSummarySchema) })),
    ...errorResponses([400, 401]),
  },
});

const revokeRoute = createRoute({
  method: "delete",
  path: "/connect/links/{id}",
  summary: "Revoke a connect link: its page and endpoints answer 410, and what it started ends",
  description:
    "Login sessions started through the link are cancelled (their live views close), OAuth2 authorizations it started are forgotten (their callback answers that the sign-in link is unknown). Connections already made stay. Repeating it is harmless.",
  security: subjectSecurity,
  request: { params: z.object({ id: linkIdSchema }) },
  responses: {
    204: { description: "Revoked" },
    ...errorResponses([400, 401, 404], { 404: "No such link of the caller's subject (`connect_link_not_found`)" }),
  },
});

/**
 * `/connect/links`: an app with an API key mints a link for its user (no key ever reaches the
 * browser), lists its user's links, and revokes one.
 */
export function connectLinkRoutes(deps: {
  links: ConnectLinks;
  kinds: ConnectKind[];
  ttlMs: number;
  returnSchemes: readonly string[];
  /** CONNECT_COMPONENT_ORIGINS: what a component link's origin may be. */
  componentOrigins: readonly string[];
  publicUrl: () => string;
}) {
  const app = createApiRouter();
  app.openapi(mintRoute, async (c) => {
    // An empty body is all defaults; a body that is not JSON is refused by the content-type check.
    const body = c.req.header("content-type") ? c.req.valid("json") : {};
    const known = new Set(deps.kinds.flatMap((k) => k.providers().map((p) => p.id)));
    const unknown = body.providers?.find((id) => !known.has(id));
    if (unknown) throw new ApiError(404, "provider_not_found", `No provider ${unknown}; GET /providers lists them`);
    if (body.ttlSeconds && body.ttlSeconds * 1000 > deps.ttlMs) {
      throw new ApiError(
        400,
        "invalid_request",
        `ttlSeconds may be at most ${deps.ttlMs / 1000} (CONNECT_LINK_TTL_SECONDS)`,
      );
    }
    const urls: Record<string, string> = {};
    for (const field of ["returnUrl", "successUrl", "errorUrl"] as const) {
      const given = body[field];
      if (given === undefined) continue;
      const checked = checkReturnUrl(given, deps.returnSchemes);
      if (!checked.ok) throw new ApiError(400, "invalid_request", `${field} ${checked.reason}`);
      urls[field] = checked.url;
    }
    const { providers, message, componentOrigin, manageOrgClients } = body;
    if (componentOrigin !== undefined && !deps.componentOrigins.includes(componentOrigin)) {
      throw new ApiError(
        400,
        "invalid_request",
        `componentOrigin ${JSON.stringify(componentOrigin.slice(0, 100))} is not one of CONNECT_COMPONENT_ORIGINS (exact origins, as browsers send them)`,
      );
    }
    const subject = c.get("subject");
    if (manageOrgClients && !subject.orgId) {
      throw new ApiError(400, "org_required", "OAuth clients are set per organisation: send x-subject-org-id");
    }
    // A link that changes the organisation's OAuth clients gives its holder what the API gives an admin only.
    if (manageOrgClients && c.get("orgRole") !== "admin") {
      throw new ApiError(
        403,
        "org_admin_required",
        "Only an organisation admin may change its OAuth clients: send x-subject-org-role: admin for an admin",
      );
    }
    const minted = await deps.links.mint(
      {
        subject,
        ...(providers ? { providers: [...new Set(providers)] } : {}),
        ...urls,
        ...(message ? { message } : {}),
        ...(componentOrigin ? { componentOrigin } : {}),
        ...(manageOrgClients ? { manageOrgClients } : {}),
      },
      body.ttlSeconds ? body.ttlSeconds * 1000 : deps.ttlMs,
    );
    c.header("cache-control", "no-store");
    return c.json(
      {
        id: minted.id,
        url: `${deps.publicUrl().replace(/\/+$/, "")}/connect/${minted.token}`,
        expiresAt: minted.expiresAt,
      },
      201,
    );
  });

  app.openapi(listRoute, async (c) => c.json({ links: await deps.links.list(c.get("subject")) }, 200));

  app.openapi(revokeRoute, async (c) => {
    const { id } = c.req.valid("param");
    const started = await deps.links.revoke(id, c.get("subject"));
    if (!started) throw new ApiError(404, "connect_link_not_found", `No connect link ${id}`);
    await endStarted(deps.kinds, started);
    return c.body(null, 204);
  });
  return app;
}
