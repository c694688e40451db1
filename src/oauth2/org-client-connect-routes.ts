import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { ConnectAccess } from "../connect/connect-kind.ts";
import { linkErrors } from "../connect/connect-kind.ts";
import type { ConnectLink } from "../connect/connect-links.ts";
import { ApiError } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonBody } from "../http/openapi/json-body.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import type { ApiEnv } from "../http/router.ts";
import { providerIdSchema } from "../providers/provider-schema.ts";
import { type OAuth2ClientConfigs, oauth2ClientViewSchema } from "./client-configs/oauth2-client-configs.ts";

const params = z.object({ token: z.string().max(200), providerId: providerIdSchema });
const view = jsonResponse("The organisation's client, without its secret", oauth2ClientViewSchema);
const errors = {
  ...linkErrors(
    "Unknown or forged link, a provider the link does not offer or not OAuth2 (`provider_not_found`), or no client set (`oauth2_client_not_found`)",
  ),
  ...errorResponses([400]),
};
const FORBIDDEN =
  "403 also when the link may not manage the organisation's OAuth clients (`org_clients_not_allowed`: minted without manageOrgClients)";

const getRoute = createRoute({
  method: "get",
  path: "/connect/{token}/oauth2-clients/{providerId}",
  summary:
    "The link's organisation's OAuth client for a provider, without its secret (links minted with manageOrgClients)",
  description: FORBIDDEN,
  request: { params },
  responses: { 200: view, ...errors },
});
const putRoute = createRoute({
  method: "put",
  path: "/connect/{token}/oauth2-clients/{providerId}",
  summary:
    "Set the link's organisation's OAuth client for a provider: the secret is write-only (links minted with manageOrgClients)",
  description: `clientSecret: a string sets it, null removes it (a public client), absent keeps the one set. ${FORBIDDEN}`,
  request: {
    params,
    body: jsonBody(
      z
        .object({
          clientId: z.string().min(1).max(512),
          clientSecret: z.string().min(1).max(2048).nullable().optional(),
        })
        .strict(),
    ),
  },
  responses: { 200: view, ...errors },
});
const deleteRoute = createRoute({
  method: "delete",
  path: "/connect/{token}/oauth2-clients/{providerId}",
  summary: "Remove the link's organisation's OAuth client for a provider (links minted with manageOrgClients)",
  description: FORBIDDEN,
  request: { params },
  responses: { 204: { description: "Removed" }, ...errors },
});

/**
 * An organisation's OAuth clients, managed through a connect link the app minted for one of the
 * organisation's admins (`manageOrgClients`): the form of the connect components. The secret goes
 * in and never comes back; keeping the current one takes no round trip of it through the browser.
 */
export function registerOrgClientRoutes(
  app: OpenAPIHono<ApiEnv>,
  { linkOf, requireOffered }: ConnectAccess,
  clients: OAuth2ClientConfigs,
) {
  /** The organisation whose clients the link manages, once the link, its grant and the provider are checked. */
  const orgOf = (link: ConnectLink, providerId: string) => {
    const orgId = link.subject.orgId;
    if (!link.manageOrgClients || !orgId) {
      throw new ApiError(
        403,
        "org_clients_not_allowed",
        "This link may not manage the organisation's OAuth clients; the app mints such links for organisation admins",
      );
    }
    requireOffered(link, providerId, "oauth2");
    return orgId;
  };
  const notFound = (providerId: string) =>
    new ApiError(404, "oauth2_client_not_found", `No OAuth client of this organisation for ${providerId}`);

  app.openapi(getRoute, async (c) => {
    const { providerId } = c.req.valid("param");
    const found = await clients.get(orgOf(await linkOf(c), providerId), providerId);
    if (!found) throw notFound(providerId);
    c.header("cache-control", "no-store");
    return c.json(found, 200);
  });

  app.openapi(putRoute, async (c) => {
    const { providerId } = c.req.valid("param");
    const orgId = orgOf(await linkOf(c), providerId);
    const { clientId, clientSecret } = c.req.valid("json");
    // Absent: the secret set stays (opened here, in memory, and sealed again with the new client id).
    const kept = clientSecret === undefined ? (await clients.open(orgId, providerId))?.clientSecret : undefined;
    const secret = clientSecret ?? kept;
    c.header("cache-control", "no-store");
    return c.json(await clients.put(orgId, providerId, { clientId, ...(secret ? { clientSecret: secret } : {}) }), 200);
  });

  app.openapi(deleteRoute, async (c) => {
    const { providerId } = c.req.valid("param");
    if (!(await clients.delete(orgOf(await linkOf(c), providerId), providerId))) throw notFound(providerId);
    return c.body(null, 204);
  });
}
