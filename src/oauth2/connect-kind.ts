import { createRoute, z } from "@hono/zod-openapi";
import { type ConnectKind, linkErrors } from "../connect/connect-kind.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonBody } from "../http/openapi/json-body.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import type { OAuth2ClientConfigs } from "./client-configs/oauth2-client-configs.ts";
import type { OAuth2Flow } from "./oauth2-flow.ts";
import { registerOrgClientRoutes } from "./org-client-connect-routes.ts";
import { oauth2StartSchema, providerFailure } from "./routes.ts";

const start = createRoute({
  method: "post",
  path: "/connect/{token}/oauth2",
  summary: "Start an OAuth2 connection for the connect link's subject: the authorization URL for the page's popup",
  description:
    "The same flow as POST /oauth2/start, returning to the service's own origin (the connect page's): the callback page posts `oauth2_result` to it.",
  request: {
    params: z.object({ token: z.string().max(200) }),
    body: jsonBody(z.object({ providerId: z.string().min(1).max(64) }).strict()),
  },
  responses: {
    200: jsonResponse("Open authorizationUrl in a popup before expiresAt", oauth2StartSchema),
    ...errorResponses([400, 409], {
      409: "No OAuth client configured for the provider (`oauth2_client_not_configured`)",
    }),
    ...linkErrors("Unknown or forged link, or a provider the link does not offer"),
    ...providerFailure,
  },
});

/** OAuth2 providers on the connect page: a popup to the provider, the callback page telling the page when it is done. */
export function oauth2ConnectKind(deps: {
  providers: ProviderRegistry;
  flow: OAuth2Flow;
  /** Organisations' own clients: managed through links minted with manageOrgClients. */
  clients: OAuth2ClientConfigs;
  publicUrl: () => string;
}): ConnectKind {
  return {
    kind: "oauth2",
    providers: () => deps.providers.list().flatMap(({ id, name, kind }) => (kind === "oauth2" ? [{ id, name }] : [])),
    async endStarted(states) {
      for (const state of states) await deps.flow.forget(state);
    },
    register(app, access) {
      const { linkOf, requireOffered, started } = access;
      app.openapi(start, async (c) => {
        const link = await linkOf(c);
        const { providerId } = c.req.valid("json");
        requireOffered(link, providerId, "oauth2");
        // The state binds the link's subject, never the link: the token stays out of the provider's hands and logs.
        // The popup's opener is the connect page (the service's origin) or, for a component link, the app's page.
        const flow = await deps.flow.start(link.subject, {
          providerId,
          returnOrigin: link.componentOrigin ?? new URL(deps.publicUrl()).origin,
          metadata: { via: "connect_page" },
        });
        // Revoking the link forgets the authorization: a consent given afterwards stores nothing.
        const state = new URL(flow.authorizationUrl).searchParams.get("state");
        if (state) await started(link, "oauth2", state);
        c.header("Cache-Control", "no-store");
        return c.json(flow, 200);
      });
      registerOrgClientRoutes(app, access, deps.clients);
    },
  };
}
