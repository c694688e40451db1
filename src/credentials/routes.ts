import { createRoute, z } from "@hono/zod-openapi";
import { sameOwner } from "../core/subject.ts";
import { DecryptionError } from "../crypto/cipher.ts";
import { ApiError } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { subjectSecurity } from "../http/openapi/security.ts";
import { credentialIdParams } from "../http/route-params.ts";
import { createApiRouter } from "../http/router.ts";
import { capturedStateSchema } from "./captured-state.ts";
import type { CredentialAudit } from "./credential-audit.ts";
import { credentialAccessSchema } from "./credential-audit.ts";
import { deleteCredential, deletedOAuth2Schema, type Revoker } from "./credential-deletion.ts";
import { credentialOfKind } from "./credential-of-kind.ts";
import type { CredentialVault } from "./credential-vault.ts";
import { credentialView, credentialViewSchema } from "./credential-view.ts";
import { deviceSchema } from "./device.ts";

const tags = ["Credentials"];
const notFound = { 404: "No such credential for this subject (`credential_not_found`)" };

const storageStateSchema = z
  .object({
    credentialId: z.string(),
    providerId: z.string(),
    version: z
      .number()
      .int()
      .describe("The version decrypted: check the browser's state back in with it (POST /credentials/:id/check-in)"),
    storageState: capturedStateSchema.meta({ id: "StorageState" }),
    device: deviceSchema
      .optional()
      .describe(
        "The device the site saw at login: give it to your browser (restoreSession does) so that the site sees the same device. Absent for credentials captured before it was recorded",
      ),
  })
  .meta({ id: "CredentialStorageState" });
const auditSchema = z
  .object({ credentialId: z.string(), entries: z.array(credentialAccessSchema.extend({ at: z.string() })) })
  .meta({ id: "CredentialAudit" });

const list = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "The subject's credentials",
  security: subjectSecurity,
  responses: {
    200: jsonResponse("Their metadata (never a value)", z.object({ credentials: z.array(credentialViewSchema) })),
    ...errorResponses([400, 401, 503]),
  },
});

const get = createRoute({
  method: "get",
  path: "/{id}",
  tags,
  summary: "One credential's metadata",
  security: subjectSecurity,
  request: { params: credentialIdParams },
  responses: {
    200: jsonResponse("The credential's metadata", credentialViewSchema),
    ...errorResponses([400, 401, 404, 503], notFound),
  },
});

const storageState = createRoute({
  method: "get",
  path: "/{id}/storage-state",
  tags,
  summary: "Decrypt a credential: its storage state",
  description:
    "Cookies and storage in Playwright's `storageState` shape (plus sessionStorage: restore with `restoreSession` from @browser-login-capture/client/playwright). Each call is written to the credential's audit trail.",
  security: subjectSecurity,
  request: { params: credentialIdParams },
  responses: {
    200: jsonResponse("The decrypted state (sent with Cache-Control: no-store)", storageStateSchema),
    ...errorResponses([400, 401, 404, 409, 503], {
      ...notFound,
      409: "Not a browser login credential (`wrong_credential_kind`)",
      500: "The credential could not be decrypted (`credential_unreadable`), or another failure on our side",
    }),
  },
});

const auditTrail = createRoute({
  method: "get",
  path: "/{id}/audit",
  tags,
  summary: "Who decrypted a credential",
  description: "Newest first; kept a while after the credential is deleted.",
  security: subjectSecurity,
  request: { params: credentialIdParams },
  responses: { 200: jsonResponse("The audit trail", auditSchema), ...errorResponses([400, 401, 404, 503], notFound) },
});

const remove = createRoute({
  method: "delete",
  path: "/{id}",
  tags,
  summary: "Delete a credential",
  security: subjectSecurity,
  request: { params: credentialIdParams },
  responses: {
    200: jsonResponse(
      "An OAuth2 credential, deleted after asking its provider to revoke its tokens (RFC 7009): whether that worked",
      deletedOAuth2Schema,
    ),
    204: { description: "Deleted" },
    ...errorResponses([400, 401, 404, 503], notFound),
  },
});

export interface CredentialRouteDeps {
  vault: CredentialVault;
  audit: CredentialAudit;
  /** Revokes an OAuth2 credential at its provider before it is deleted (oauth2/). */
  revokeOAuth2?: Revoker;
}

/** The credentials of every kind: list, metadata, a browser login's storage state, the audit trail, delete. */
export function credentialRoutes({ vault, audit, revokeOAuth2 }: CredentialRouteDeps) {
  const routes = createApiRouter();
  const notFoundError = (id: string) => new ApiError(404, "credential_not_found", `No credential ${id}`);

  routes.openapi(list, async (c) =>
    c.json({ credentials: (await vault.list(c.get("subject"))).map(credentialView) }, 200),
  );

  routes.openapi(get, async (c) => {
    const { id } = c.req.valid("param");
    const found = await vault.describe(id, c.get("subject"));
    if (!found) throw notFoundError(id);
    return c.json(credentialView(found), 200);
  });

  routes.openapi(storageState, async (c) => {
    const { id } = c.req.valid("param");
    await credentialOfKind(vault, id, c.get("subject"), "browser_login", "it holds no browser state");
    try {
      const opened = await vault.open(id, c.get("subject"), {
        purpose: "storage_state",
        apiKeyId: c.get("apiKeyId"),
        requestId: c.get("requestId"),
      });
      if (opened?.secret.kind !== "browser_login") throw notFoundError(id);
      c.header("Cache-Control", "no-store");
      const { providerId, device } = opened.metadata;
      return c.json(
        {
          credentialId: id,
          providerId,
          version: opened.metadata.version,
          storageState: opened.secret.state,
          ...(device ? { device } : {}),
        },
        200,
      );
    } catch (error) {
      if (error instanceof DecryptionError) {
        throw new ApiError(500, "credential_unreadable", `The credential could not be decrypted: ${error.message}`);
      }
      throw error;
    }
  });

  routes.openapi(auditTrail, async (c) => {
    const { id } = c.req.valid("param");
    const entries = await audit.list(id);
    // The trail is the owner's: a deleted credential's trail is matched by the subject each entry names.
    const own =
      (await vault.list(c.get("subject"))).some((m) => m.id === id) ||
      entries.some((e) => sameOwner(e.subject, c.get("subject")));
    if (!own) throw notFoundError(id);
    return c.json(
      {
        credentialId: id,
        entries: entries.map(({ at, purpose, apiKeyId, requestId, via, clientId, clientName }) => ({
          at,
          purpose,
          apiKeyId,
          requestId,
          via,
          clientId,
          clientName,
        })),
      },
      200,
    );
  });

  routes.openapi(remove, async (c) => {
    const { id } = c.req.valid("param");
    const deleted = await deleteCredential({ vault, revokeOAuth2 }, id, c.get("subject"), {
      apiKeyId: c.get("apiKeyId"),
      requestId: c.get("requestId"),
    });
    if (!deleted) throw notFoundError(id);
    return deleted.revocation
      ? c.json({ credentialId: id, deleted: true as const, revocation: deleted.revocation }, 200)
      : c.body(null, 204);
  });

  return routes;
}
