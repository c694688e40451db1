import { createRoute, z } from "@hono/zod-openapi";
import { clientMetadataSchema as metadataSchema } from "../core/client-metadata.ts";
import { ApiError } from "../http/errors.ts";
import { errorResponses, errorSchema } from "../http/openapi/error-responses.ts";
import { jsonBody } from "../http/openapi/json-body.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { orgAdminSecurity, subjectSecurity } from "../http/openapi/security.ts";
import type { ApiEnv } from "../http/router.ts";
import { createApiRouter } from "../http/router.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import { providerIdSchema } from "../providers/provider-schema.ts";
import { callbackPage } from "./callback-page.ts";
import { type OAuth2ClientConfigs, oauth2ClientViewSchema } from "./client-configs/oauth2-client-configs.ts";
import type { OAuth2AccessTokens } from "./oauth2-access-tokens.ts";
import { type OAuth2Flow, oauth2ProviderOf } from "./oauth2-flow.ts";

/** What the API needs for OAuth2 connections (built in runtime/services.ts). */
export interface OAuth2Deps {
  flow: OAuth2Flow;
  clients: OAuth2ClientConfigs;
  tokens: OAuth2AccessTokens;
}

/** 502: the provider's side failed (discovery, a refused exchange); not among the shared statuses. */
export const providerFailure = {
  502: jsonResponse(
    "The OAuth2 provider failed or refused (`oauth2_discovery_failed`, `refresh_refused`)",
    errorSchema,
  ),
};

/** What starting an OAuth2 connection answers (here and on the connect page). */
export const oauth2StartSchema = z
  .object({ authorizationUrl: z.string(), expiresAt: z.string() })
  .openapi("OAuth2Start");

const providerIdParam = z.object({ providerId: providerIdSchema.meta({ example: "github" }) });

const startRoute = createRoute({
  method: "post",
  path: "/start",
  summary: "Start an OAuth2 connection: the authorization URL to open in a popup",
  security: subjectSecurity,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              providerId: z.string().min(1).max(64).openapi({ example: "github" }),
              returnOrigin: z.string().max(256).optional().openapi({
                description:
                  "The app page's origin: the callback page posts its result there (must be in OAUTH2_RETURN_ORIGINS, or be the service's own origin)",
                example: "https://app.example.com",
              }),
              metadata: metadataSchema.optional().openapi({ description: "Kept on the credential as clientMetadata" }),
            })
            .strict(),
        },
      },
    },
  },
  responses: {
    200: jsonResponse("Open authorizationUrl in a popup before expiresAt", oauth2StartSchema),
    ...errorResponses([400, 401, 404, 409, 415, 422], {
      404: "No such provider (`provider_not_found`)",
      409: "Not an oauth2 provider (`wrong_provider_kind`), or no client configured (`oauth2_client_not_configured`)",
      422: "returnOrigin is not allowed (`return_origin_not_allowed`)",
    }),
    ...providerFailure,
  },
});

const clientView = jsonResponse("The client, without its secret", oauth2ClientViewSchema.meta({ id: "OAuth2Client" }));
const clientErrors = errorResponses([400, 401, 404, 409], {
  400: "No x-subject-org-id (`org_required`), or the request did not validate",
  404: "No such provider, or no client set",
  409: "Not an oauth2 provider",
});
/** Changing the organisation's client: members may read it, only its admins may change it. */
const clientChangeErrors = errorResponses([400, 401, 403, 404, 409], {
  400: "No x-subject-org-id (`org_required`), or the request did not validate",
  403: "The user is not an admin of the organisation (`org_admin_required`): send x-subject-org-role: admin",
  404: "No such provider, or no client set",
  409: "Not an oauth2 provider",
});
const putClientRoute = createRoute({
  method: "put",
  path: "/clients/{providerId}",
  summary: "Set the organisation's OAuth client for a provider (the secret is write-only, stored encrypted)",
  description: "Organisation admins only: the app says the user is one with x-subject-org-role: admin.",
  security: orgAdminSecurity,
  request: {
    params: providerIdParam,
    body: jsonBody(
      z.object({ clientId: z.string().min(1).max(512), clientSecret: z.string().min(1).max(2048).optional() }).strict(),
    ),
  },
  responses: { 200: clientView, ...clientChangeErrors },
});
const getClientRoute = createRoute({
  method: "get",
  path: "/clients/{providerId}",
  summary: "The organisation's OAuth client for a provider (no secret)",
  security: subjectSecurity,
  request: { params: providerIdParam },
  responses: { 200: clientView, ...clientErrors },
});
const deleteClientRoute = createRoute({
  method: "delete",
  path: "/clients/{providerId}",
  summary:
    "Remove the organisation's OAuth client (its connections then need the provider's client, or fail to refresh)",
  description: "Organisation admins only: the app says the user is one with x-subject-org-role: admin.",
  security: orgAdminSecurity,
  request: { params: providerIdParam },
  responses: { 204: { description: "Removed" }, ...clientChangeErrors },
});

/** POST /oauth2/start and the organisation's clients (API key and subject required). */
export function oauth2Routes({ flow, clients }: OAuth2Deps, providers: ProviderRegistry) {
  const routes = createApiRouter();
  routes.openapi(startRoute, async (c) => c.json(await flow.start(c.get("subject"), c.req.valid("json")), 200));

  type Vars = ApiEnv["Variables"];
  const orgOf = (c: { get<K extends keyof Vars>(key: K): Vars[K] }) => {
    const orgId = c.get("subject").orgId;
    if (!orgId)
      throw new ApiError(400, "org_required", "OAuth clients are set per organisation: send x-subject-org-id");
    return orgId;
  };
  /** The organisation, when the app says the user administers it: any member may start a connection, not replace its client. */
  const administeredOrgOf = (c: { get<K extends keyof Vars>(key: K): Vars[K] }) => {
    const orgId = orgOf(c);
    if (c.get("orgRole") !== "admin")
      throw new ApiError(
        403,
        "org_admin_required",
        "Only an admin of the organisation may change its OAuth clients: the app says so with x-subject-org-role: admin",
      );
    return orgId;
  };
  routes.openapi(putClientRoute, async (c) => {
    const { providerId } = c.req.valid("param");
    const orgId = administeredOrgOf(c);
    oauth2ProviderOf(providers, providerId);
    const body = c.req.valid("json");
    c.header("Cache-Control", "no-store");
    return c.json(await clients.put(orgId, providerId, body), 200);
  });
  routes.openapi(getClientRoute, async (c) => {
    const { providerId } = c.req.valid("param");
    const found = await clients.get(orgOf(c), providerId);
    if (!found)
      throw new ApiError(404, "oauth2_client_not_found", `No OAuth client of this organisation for ${providerId}`);
    return c.json(found, 200);
  });
  routes.openapi(deleteClientRoute, async (c) => {
    const { providerId } = c.req.valid("param");
    if (!(await clients.delete(administeredOrgOf(c), providerId)))
      throw new ApiError(404, "oauth2_client_not_found", `No OAuth client of this organisation for ${providerId}`);
    return c.body(null, 204);
  });
  return routes;
}

const callbackRoute = createRoute({
  method: "get",
  path: "/oauth2/callback",
  summary: "Where the provider sends the browser back (no API key): a page that posts the result to the opener",
  request: {
    query: z
      .object({
        state: z.string().optional(),
        code: z.string().optional(),
        error: z.string().optional(),
        error_description: z.string().optional(),
      })
      .loose(),
  },
  responses: {
    200: {
      description:
        'Connected: the page posts `{ type: "oauth2_result", credentialId, providerId }` to the return origin',
      content: { "text/html": { schema: z.string() } },
    },
    400: {
      description:
        "Unknown, expired or used state, or the provider refused: the page posts `{ type, error: { code, message } }` when the state was ours",
      content: { "text/html": { schema: z.string() } },
    },
  },
});

/** GET /oauth2/callback: the browser coming back from the provider, without an API key. */
export function oauth2CallbackRoute({ flow }: Pick<OAuth2Deps, "flow">) {
  const routes = createApiRouter();
  routes.openapi(callbackRoute, async (c) => {
    const outcome = await flow.callback(new URL(c.req.url));
    const { html, headers } = callbackPage(outcome);
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    return c.html(html, outcome.ok ? 200 : 400);
  });
  return routes;
}
