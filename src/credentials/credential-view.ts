import type { CredentialMetadata } from "./credential-metadata-schema.js";

/** A credential as clients see it (`GET /credentials`, credential events): metadata, never the key id or a value. */
export function credentialView(m: CredentialMetadata) {
  const { id, providerId, createdAt, origins, cookieCount, earliestExpiry, sessionId, suspect, suspectReason } = m;
  return { id, providerId, createdAt, origins, cookieCount, earliestExpiry, sessionId, ...(suspect ? { suspect, suspectReason } : {}) };
}
