import { z } from "zod";
import type { CredentialMetadata } from "./credential-store.js";

/**
 * Stored metadata is checked when read back: a record that no longer has this shape is reported as
 * such (500 stored_record_invalid) rather than served half-formed. Loose: fields added later pass.
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
}) satisfies z.ZodType<CredentialMetadata>;
