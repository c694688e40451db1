import { createRoute, z } from "@hono/zod-openapi";
import { type ConnectKind, linkErrors } from "../connect/connect-kind.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonBody } from "../http/openapi/json-body.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { apiKeyFieldViews } from "../providers/provider-view.ts";
import { type ApiKeyEntryDeps, enterApiKey } from "./api-key-entry.ts";

const enter = createRoute({
  method: "post",
  path: "/connect/{token}/api-key",
  summary:
    "Store an API key for the connect link's subject (as POST /credentials: validated first, replaced in place on re-entry)",
  request: {
    params: z.object({ token: z.string().max(200) }),
    body: jsonBody(
      z.object({ providerId: z.string().min(1).max(64), fields: z.record(z.string(), z.string().max(4096)) }).strict(),
    ),
  },
  responses: {
    200: jsonResponse(
      "Stored; `replaced` when it took the place of the subject's previous key",
      z.object({ credentialId: z.string(), replaced: z.boolean() }).openapi("ConnectApiKey"),
    ),
    ...errorResponses([400, 409, 422, 429, 503], {
      400: "A field is missing or unknown (`invalid_fields`, naming them)",
      409: "The key was changed meanwhile (`credential_changed`)",
      422: "The provider refused the key (`api_key_rejected`, its answer summarised; never the key)",
      503: "The provider's validation request got no answer (`api_key_validation_unavailable`)",
    }),
    ...linkErrors("Unknown or forged link, or a provider the link does not offer"),
  },
});

/** API-key providers on the connect page: a form of the provider's fields, entered as POST /credentials enters them. */
export function apiKeyConnectKind(deps: ApiKeyEntryDeps): ConnectKind {
  return {
    kind: "api_key",
    providers: () =>
      deps.providers
        .list()
        .flatMap((p) => (p.kind === "api_key" ? [{ id: p.id, name: p.name, fields: apiKeyFieldViews(p) }] : [])),
    register(app, { linkOf, requireOffered }) {
      app.openapi(enter, async (c) => {
        const link = await linkOf(c);
        const { providerId, fields } = c.req.valid("json");
        requireOffered(link, providerId, "api_key");
        const { metadata, replaced } = await enterApiKey(deps, link.subject, {
          providerId,
          fields,
          metadata: { via: "connect_page" },
        });
        c.header("Cache-Control", "no-store");
        return c.json({ credentialId: metadata.id, replaced }, 200);
      });
    },
  };
}
