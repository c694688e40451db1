import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { subjectSecurity } from "../http/openapi/security.ts";
import { createApiRouter } from "../http/router.ts";
import type { ProviderRegistry } from "./provider-registry.ts";
import { providerView, providerViewSchema } from "./provider-view.ts";

const providerList = createRoute({
  method: "get",
  path: "/providers",
  tags: ["Browser login"],
  summary: "The providers a user can connect",
  security: subjectSecurity,
  responses: {
    200: jsonResponse(
      "Each provider's id (for POST /browser-login/start), name, kind, and what its kind offers",
      z.object({ providers: z.array(providerViewSchema) }),
    ),
    ...errorResponses([400, 401]),
  },
});

/** `GET /providers`: what a subject can connect, from the providers file. */
export function providerRoutes(providers: ProviderRegistry) {
  const routes = createApiRouter();
  routes.openapi(providerList, (c) => c.json({ providers: providers.list().map(providerView) }, 200));
  return routes;
}
