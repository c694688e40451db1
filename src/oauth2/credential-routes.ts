import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { subjectSecurity } from "../http/openapi/security.ts";
import { credentialIdParams } from "../http/route-params.ts";
import { createApiRouter } from "../http/router.ts";
import type { OAuth2AccessTokens } from "./oauth2-access-tokens.ts";
import { providerFailure } from "./routes.ts";

const accessTokenSchema = z
  .object({
    credentialId: z.string(),
    accessToken: z.string(),
    tokenType: z.string().openapi({ example: "Bearer" }),
    expiresAt: z
      .string()
      .nullable()
      .openapi({ description: "When the access token expires (null: the provider did not say)" }),
    scopes: z.array(z.string()),
  })
  .openapi("OAuth2AccessToken");

const responses = {
  200: jsonResponse("A usable access token (sent with Cache-Control: no-store)", accessTokenSchema),
  ...errorResponses([400, 401, 404, 409, 503], {
    404: "No such credential of this subject (`credential_not_found`)",
    409: "The user must connect again (`needs_reauth`), or not an OAuth2 credential (`wrong_credential_kind`)",
    503: "The provider did not answer the refresh; the stored tokens are kept (`provider_unavailable`), or another refresh outlasted the wait (`refresh_in_progress`)",
  }),
  ...providerFailure,
};

const accessTokenRoute = createRoute({
  method: "get",
  path: "/{id}/access-token",
  summary:
    "A valid access token of an OAuth2 credential, refreshed first when it expires within OAUTH2_REFRESH_SKEW_SECONDS",
  security: subjectSecurity,
  request: { params: credentialIdParams },
  responses,
});

const refreshRoute = createRoute({
  method: "post",
  path: "/{id}/refresh",
  summary: "Refresh an OAuth2 credential now (concurrent calls share one refresh) and return the new access token",
  security: subjectSecurity,
  request: { params: credentialIdParams },
  responses,
});

/** The OAuth2 credential routes, mounted under /credentials beside the kind-neutral ones. */
export function oauth2CredentialRoutes(tokens: OAuth2AccessTokens) {
  const routes = createApiRouter();
  const answer =
    (force: boolean) => async (c: Parameters<Parameters<typeof routes.openapi<typeof accessTokenRoute>>[1]>[0]) => {
      const access = { apiKeyId: c.get("apiKeyId"), requestId: c.get("requestId") };
      const token = await tokens.accessToken(c.req.valid("param").id, c.get("subject"), { force, access });
      c.header("Cache-Control", "no-store");
      return c.json(token, 200);
    };
  routes.openapi(accessTokenRoute, answer(false));
  routes.openapi(refreshRoute, answer(true));
  return routes;
}
