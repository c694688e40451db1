import { z } from "zod";
import { gcmBoxSchema } from "./aes-gcm.ts";

/**
 * The stored forms of an encrypted credential. Format 2 (envelope): the payload is encrypted under
 * its own fresh 256-bit data key, and the data key is wrapped by a key-encryption key of the ring,
 * named by `kid`. Format 1 (before envelope encryption): the payload encrypted directly under a
 * ring key; still read, and upgraded to format 2 by key rotation.
 */
export const wrappedKeySchema = gcmBoxSchema.extend({ v: z.literal(1), alg: z.literal("A256GCM"), kid: z.string() });
export const envelopeRecordSchema = gcmBoxSchema.extend({ v: z.literal(2), alg: z.literal("A256GCM") });
export const directRecordSchema = gcmBoxSchema.extend({ v: z.literal(1), alg: z.literal("A256GCM"), kid: z.string() });
export const payloadRecordSchema = z.discriminatedUnion("v", [directRecordSchema, envelopeRecordSchema]);

export type WrappedKey = z.infer<typeof wrappedKeySchema>;
export type EnvelopeRecord = z.infer<typeof envelopeRecordSchema>;
export type DirectRecord = z.infer<typeof directRecordSchema>;

export interface EnvelopeSealed {
  record: EnvelopeRecord;
  wrappedKey: WrappedKey;
}
export interface DirectSealed {
  record: DirectRecord;
  wrappedKey?: undefined;
}
export type SealedCredential = EnvelopeSealed | DirectSealed;

/** The key-encryption key a sealed credential depends on: read without decrypting anything. */
export function protectingKeyId(sealed: SealedCredential): string {
  return sealed.wrappedKey ? sealed.wrappedKey.kid : sealed.record.kid;
}
