import type { CredentialMetadata } from "./credential-metadata-schema.js";

/**
 * A credential as clients see it (`GET /credentials`, credential events): the same shape for every
 * kind plus its kind's own clear facts; never the key id, the revision or any value.
 */
export function credentialView(m: CredentialMetadata) {
  const { id, kind, providerId, status, version, createdAt, updatedAt, lastVerifiedAt, expiresAt } = m;
  const common = { id, kind, providerId, status, version, createdAt, updatedAt: updatedAt ?? createdAt, lastVerifiedAt: lastVerifiedAt ?? null, expiresAt: expiresAt ?? m.earliestExpiry ?? null };
  switch (kind) {
    case "browser_login": {
      const { sessionId, origins = [], cookieCount = 0, earliestExpiry = null, suspect, suspectReason } = m;
      return { ...common, sessionId, origins, cookieCount, earliestExpiry, ...(suspect ? { suspect, suspectReason } : {}) };
    }
    case "oauth2":
      return { ...common, scopes: Array.isArray(m.scopes) ? (m.scopes as string[]) : [] };
    case "api_key":
      return { ...common, fieldNames: Array.isArray(m.fieldNames) ? (m.fieldNames as string[]) : [] };
  }
}
