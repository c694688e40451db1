import { createRoute, z } from "@hono/zod-openapi";
import { clientMetadataSchema as metadataSchema } from "../core/client-metadata.ts";
import { credentialOfKind } from "../credentials/credential-of-kind.ts";
import { apiKeyFieldsSchema } from "../credentials/credential-secret.ts";
import { credentialView, credentialViewSchema } from "../credentials/credential-view.ts";
import { DecryptionError } from "../crypto/cipher.ts";
import { ApiError } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonBody } from "../http/openapi/json-body.ts";
import { jsonResponse as json } from "../http/openapi/json-response.ts";
import { subjectSecurity } from "../http/openapi/security.ts";
import { credentialIdParams } from "../http/route-params.ts";
import { createApiRouter } from "../http/router.ts";
import { type ApiKeyEntryDeps, enterApiKey } from "./api-key-entry.ts";

const tags = ["Credentials"];
const security = subjectSecurity;

const createBody = z
  .object({
    providerId: z.string().openapi({ example: "acme-api" }),
    /** Values by field name, as GET /providers lists the provider's fields. */
    fields: z.record(z.string(), z.string().max(4096)).openapi({ example: { apiKey: "sk_live_…" } }),
    metadata: metadataSchema.optional(),
  })
  .strict();

const create = createRoute({
  method: "post",
  path: "/",
  tags,
  summary: "Store an API key (and its other fields)",
  description:
    "Checks the fields against the provider's declaration, runs its validation request when it has one (a wrong key is refused with `422 api_key_rejected` and the provider's answer summarised), encrypts and stores them. " +
    "A subject holds one API-key credential per provider: entering a key again replaces the stored one in place (same id, `version` + 1, `200`); the first one answers `201`.",
  security,
  request: { body: jsonBody(createBody) },
  responses: {
    201: json("Stored: a new credential", credentialViewSchema),
    200: json("Stored in place of the subject's previous key for this provider (version + 1)", credentialViewSchema),
    ...errorResponses([400, 401, 404, 409, 413, 415, 422, 429, 503], {
      400: "The body did not validate, or a field is missing or unknown (`invalid_fields`, naming them)",
      404: "No such provider (`provider_not_found`)",
      409: "The provider does not take API keys (`wrong_provider_kind`)",
      422: "The provider refused the key (`api_key_rejected`, with its status and a short excerpt of its answer; never the key)",
      503: "The provider's validation request got no answer (`api_key_validation_unavailable`), or storage is unreachable",
    }),
  },
});

const secret = createRoute({
  method: "get",
  path: "/{id}/secret",
  tags,
  summary: "Decrypt an API-key credential: its fields",
  description:
    "Sent with `Cache-Control: no-store`; each call is written to the credential's audit trail (purpose `secret`).",
  security,
  request: { params: credentialIdParams },
  responses: {
    200: json(
      "The fields, by name",
      z
        .object({
          credentialId: z.string(),
          providerId: z.string(),
          version: z.number().int(),
          fields: apiKeyFieldsSchema,
        })
        .meta({ id: "ApiKeySecret" }),
    ),
    ...errorResponses([400, 401, 404, 409, 500, 503], {
      404: "No such credential for this subject (`credential_not_found`)",
      409: "Not an API-key credential (`wrong_credential_kind`): use storage-state or access-token",
      500: "The credential could not be decrypted (`credential_unreadable`), or another failure on our side",
    }),
  },
});

export function apiKeyRoutes(deps: ApiKeyEntryDeps) {
  const { vault } = deps;
  const routes = createApiRouter();

  routes.openapi(create, async (c) => {
    const { metadata, replaced } = await enterApiKey(deps, c.get("subject"), c.req.valid("json"));
    return replaced ? c.json(credentialView(metadata), 200) : c.json(credentialView(metadata), 201);
  });

  routes.openapi(secret, async (c) => {
    const { id } = c.req.valid("param");
    const owner = c.get("subject");
    const notFound = new ApiError(404, "credential_not_found", `No credential ${id}`);
    await credentialOfKind(
      vault,
      id,
      owner,
      "api_key",
      "its value is at GET /credentials/:id/storage-state (browser login) or /access-token (OAuth2)",
    );
    try {
      const opened = await vault.open(id, owner, {
        purpose: "secret",
        apiKeyId: c.get("apiKeyId"),
        requestId: c.get("requestId"),
      });
      if (opened?.secret.kind !== "api_key") throw notFound;
      c.header("Cache-Control", "no-store");
      return c.json(
        {
          credentialId: id,
          providerId: opened.metadata.providerId,
          version: opened.metadata.version,
          fields: opened.secret.fields,
        },
        200,
      );
    } catch (error) {
      if (error instanceof DecryptionError)
        throw new ApiError(500, "credential_unreadable", `The credential could not be decrypted: ${error.message}`);
      throw error;
    }
  });

  return routes;
}
