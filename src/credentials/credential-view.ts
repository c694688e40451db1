import { z } from "zod";
import { credentialMetadataSchema, type CredentialMetadata } from "./credential-metadata-schema.js";

/** A credential as clients see it (`GET /credentials`, credential events): metadata, never the key id or a value. */
export const credentialViewSchema = z
  .object(credentialMetadataSchema.pick({ id: true, providerId: true, createdAt: true, origins: true, cookieCount: true, earliestExpiry: true, sessionId: true, suspect: true, suspectReason: true }).shape)
  .meta({ id: "Credential" });

export type CredentialView = z.infer<typeof credentialViewSchema>;

export function credentialView(m: CredentialMetadata): CredentialView {
  const { id, providerId, createdAt, origins, cookieCount, earliestExpiry, sessionId, suspect, suspectReason } = m;
  return { id, providerId, createdAt, origins, cookieCount, earliestExpiry, sessionId, ...(suspect ? { suspect, suspectReason } : {}) };
}
