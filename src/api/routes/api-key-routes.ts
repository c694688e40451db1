import { createRoute, z } from "@hono/zod-openapi";
import type { ApiKeyValidator } from "../../credentials/api-key-validation.ts";
import { apiKeyFieldsSchema } from "../../credentials/credential-secret.ts";
import { credentialView, credentialViewSchema } from "../../credentials/credential-view.ts";
import { DecryptionError } from "../../crypto/cipher.ts";
import type { ApiKeyProvider } from "../../providers/provider-schema.ts";
import { metadataSchema } from "../../sessions/session-record.ts";
import { ApiError } from "../api-error.ts";
import type { AppDeps } from "../app.ts";
import { createApiRouter } from "../openapi/api-router.ts";
import { errorResponses } from "../openapi/error-responses.ts";
import { jsonResponse as json } from "../openapi/json-response.ts";
import { subjectSecurity } from "../openapi/security.ts";
import { credentialIdParams } from "./route-params.ts";

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
  request: { body: { content: { "application/json": { schema: createBody } }, required: true } },
  responses: {
    201: json("Stored: a new credential", credentialViewSchema),
    200: json("Stored in place of the subject's previous key for this provider (version + 1)", credentialViewSchema),
    ...errorResponses([400, 401, 404, 409, 413, 415, 422, 503], {
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
  description: "Sent with `Cache-Control: no-store`; each call is written to the credential's audit trail (purpose `secret`).",
  security,
  request: { params: credentialIdParams },
  responses: {
    200: json("The fields, by name", z.object({ credentialId: z.string(), providerId: z.string(), version: z.number().int(), fields: apiKeyFieldsSchema }).meta({ id: "ApiKeySecret" })),
    ...errorResponses([400, 401, 404, 409, 500, 503], {
      404: "No such credential for this subject (`credential_not_found`)",
      409: "Not an API-key credential (`wrong_credential_kind`): use storage-state or access-token",
      500: "The credential could not be decrypted (`credential_unreadable`), or another failure on our side",
    }),
  },
});

/** Which submitted fields the provider does not declare, and which it declares that are missing or empty. */
function fieldProblems(provider: ApiKeyProvider, fields: Record<string, string>): string | undefined {
  const declared = provider.fields.map((f) => f.name);
  const unknown = Object.keys(fields).filter((name) => !declared.includes(name));
  const missing = declared.filter((name) => !fields[name]);
  const problems = [
    ...(missing.length ? [`missing: ${missing.join(", ")}`] : []),
    ...(unknown.length ? [`unknown: ${unknown.join(", ")}`] : []),
  ];
  return problems.length ? `Fields for ${provider.id} ${problems.join("; ")} (it takes ${declared.join(", ")})` : undefined;
}

export function apiKeyRoutes({ vault, eventLog, providers, validateApiKey }: Pick<AppDeps, "vault" | "eventLog" | "providers" | "validateApiKey">) {
  const routes = createApiRouter();

  routes.openapi(create, async (c) => {
    const { providerId, fields, metadata } = c.req.valid("json");
    const owner = c.get("subject");
    const provider = providers.get(providerId);
    if (!provider) throw new ApiError(404, "provider_not_found", `No provider ${providerId}; GET /providers lists them`);
    if (provider.kind !== "api_key") throw new ApiError(409, "wrong_provider_kind", `Provider ${provider.id} is an ${provider.kind} provider, not an API-key one`);
    const problems = fieldProblems(provider, fields);
    // Names only: a value in a message could be a key pasted into the wrong field.
    if (problems) throw new ApiError(400, "invalid_fields", problems);
    if (Object.values(fields).some((value) => /[\p{Cc}]/u.test(value))) throw new ApiError(400, "invalid_fields", "Field values must not contain control characters (line breaks, tabs...)");

    const verdict = await validateApiKey(provider, fields);
    if (verdict.outcome === "rejected") {
      throw new ApiError(422, "api_key_rejected", `${provider.name} refused the key (HTTP ${verdict.status})${verdict.excerpt ? `: ${verdict.excerpt}` : ""}`, { status: verdict.status, excerpt: verdict.excerpt });
    }
    if (verdict.outcome === "unavailable") throw new ApiError(503, "api_key_validation_unavailable", `Could not check the key with ${provider.name}: ${verdict.reason}; retry shortly`);

    const now = new Date().toISOString();
    const details = { ...(metadata ? { metadata } : {}), ...(provider.validation ? { lastVerifiedAt: now } : {}) };
    // One key per provider and subject: a re-entered key (rotated, revoked, a typo fixed) takes the old one's place.
    const previous = (await vault.list(owner)).filter((m) => m.kind === "api_key" && m.providerId === provider.id).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    if (previous) {
      const replaced = await vault.replace(previous.id, { secret: { kind: "api_key", fields }, details }, owner);
      if (replaced.outcome === "replaced") {
        await eventLog.appendCredentialEvent("credential.renewed", owner, replaced.metadata);
        return c.json(credentialView(replaced.metadata), 200);
      }
      if (replaced.outcome === "changed") throw new ApiError(409, "credential_changed", `Credential ${previous.id} was changed meanwhile; send the key again`);
      // Deleted meanwhile: store a new one.
    }
    const sealed = await vault.seal({ secret: { kind: "api_key", fields }, owner, providerId: provider.id, details });
    return c.json(credentialView(sealed), 201);
  });

  routes.openapi(secret, async (c) => {
    const { id } = c.req.valid("param");
    const owner = c.get("subject");
    const notFound = new ApiError(404, "credential_not_found", `No credential ${id}`);
    const found = await vault.describe(id, owner);
    if (!found) throw notFound;
    if (found.kind !== "api_key") {
      const instead = found.kind === "browser_login" ? "GET /credentials/:id/storage-state" : "GET /credentials/:id/access-token";
      throw new ApiError(409, "wrong_credential_kind", `Credential ${id} is a ${found.kind} credential: use ${instead}`);
    }
    try {
      const opened = await vault.open(id, owner, { purpose: "secret", apiKeyId: c.get("apiKeyId"), requestId: c.get("requestId") });
      if (opened?.secret.kind !== "api_key") throw notFound;
      c.header("Cache-Control", "no-store");
      return c.json({ credentialId: id, providerId: opened.metadata.providerId, version: opened.metadata.version, fields: opened.secret.fields }, 200);
    } catch (error) {
      if (error instanceof DecryptionError) throw new ApiError(500, "credential_unreadable", `The credential could not be decrypted: ${error.message}`);
      throw error;
    }
  });

  return routes;
}
