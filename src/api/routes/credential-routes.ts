import { Hono } from "hono";
import { credentialView } from "../../credentials/credential-view.js";
import { DecryptionError } from "../../crypto/cipher.js";
import { sameOwner } from "../../sessions/subject.js";
import { ApiError } from "../api-error.js";
import type { ApiEnv, AppDeps } from "../app.js";
import { credentialIdSchema, parseId } from "../request-helpers.js";

export function credentialRoutes({ vault, audit, oauth2 }: AppDeps) {
  const routes = new Hono<ApiEnv>();
  const notFound = (id: string) => new ApiError(404, "credential_not_found", `No credential ${id}`);

  routes.get("/", async (c) => c.json({ credentials: (await vault.list(c.get("subject"))).map(credentialView) }));

  routes.get("/:id", async (c) => {
    const id = parseId(credentialIdSchema, c.req.param("id"), "credential");
    const found = await vault.describe(id, c.get("subject"));
    if (!found) throw notFound(id);
    return c.json(credentialView(found));
  });

  routes.get("/:id/storage-state", async (c) => {
    const id = parseId(credentialIdSchema, c.req.param("id"), "credential");
    const found = await vault.describe(id, c.get("subject"));
    if (!found) throw notFound(id);
    if (found.kind !== "browser_login") throw new ApiError(409, "wrong_credential_kind", `Credential ${id} is an ${found.kind} credential: it holds no browser state`);
    try {
      const opened = await vault.open(id, c.get("subject"), { purpose: "storage_state", apiKeyId: c.get("apiKeyId"), requestId: c.get("requestId") });
      if (opened?.secret.kind !== "browser_login") throw notFound(id);
      c.header("Cache-Control", "no-store");
      return c.json({ credentialId: id, providerId: opened.metadata.providerId, storageState: opened.secret.state });
    } catch (error) {
      if (error instanceof DecryptionError) {
        throw new ApiError(500, "credential_unreadable", `The credential could not be decrypted: ${error.message}`);
      }
      throw error;
    }
  });

  /** Who decrypted the credential, newest first (kept a while after the credential is deleted). */
  routes.get("/:id/audit", async (c) => {
    const id = parseId(credentialIdSchema, c.req.param("id"), "credential");
    const entries = await audit.list(id);
    // The trail is the owner's: a deleted credential's trail is matched by the subject each entry names.
    const own = (await vault.list(c.get("subject"))).some((m) => m.id === id) || entries.some((e) => sameOwner(e.subject, c.get("subject")));
    if (!own) throw notFound(id);
    return c.json({ credentialId: id, entries: entries.map(({ at, purpose, apiKeyId, requestId }) => ({ at, purpose, apiKeyId, requestId })) });
  });

  routes.delete("/:id", async (c) => {
    const id = parseId(credentialIdSchema, c.req.param("id"), "credential");
    const found = await vault.describe(id, c.get("subject"));
    if (!found) throw notFound(id);
    // OAuth2: revoked at the provider first; a failed revocation is reported, and the delete goes on.
    const revocation = found.kind === "oauth2" && oauth2 ? await oauth2.tokens.revoke(id, c.get("subject"), { apiKeyId: c.get("apiKeyId"), requestId: c.get("requestId") }) : undefined;
    if (!(await vault.delete(id, c.get("subject")))) throw notFound(id);
    return revocation ? c.json({ credentialId: id, deleted: true, revocation }, 200) : c.body(null, 204);
  });

  return routes;
}
