import { z } from "zod";

/**
 * What is known about a credential without decrypting it. Stored metadata is checked when read back:
 * a record that no longer has this shape is reported as such (500 stored_record_invalid) rather than
 * served half-formed. Loose: fields added later pass.
 */
export const credentialMetadataSchema = z.looseObject({
  id: z.string(),
  providerId: z.string(),
  sessionId: z.string(),
  createdAt: z.string(),
  origins: z.array(z.string()),
  cookieCount: z.number(),
  earliestExpiry: z.string().nullable(),
  keyId: z.string(),
  /** The capture held no cookie or storage value that was new or changed since the login page loaded. */
  suspect: z.boolean().optional(),
  suspectReason: z.string().optional(),
});

export type CredentialMetadata = z.infer<typeof credentialMetadataSchema>;
