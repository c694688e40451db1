import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { z } from "zod";
import { DecryptionError } from "./cipher.ts";

/** What AES-256-GCM leaves: a fresh 96-bit nonce, the 128-bit tag, the ciphertext (base64 each). */
export const gcmBoxSchema = z.object({ iv: z.string(), tag: z.string(), ct: z.string() });
export type GcmBox = z.infer<typeof gcmBoxSchema>;

export function gcmEncrypt(key: Buffer, plaintext: Buffer, aad: string): GcmBox {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), ct: ct.toString("base64") };
}

/** Throws DecryptionError when the box was changed, or was sealed with another key or AAD. */
export function gcmDecrypt(key: Buffer, box: GcmBox, aad: string): Buffer {
  const iv = Buffer.from(box.iv, "base64");
  const tag = Buffer.from(box.tag, "base64");
  if (iv.length !== 12 || tag.length !== 16)
    throw new DecryptionError("malformed_record", "The encrypted record is malformed");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv);
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(box.ct, "base64")), decipher.final()]);
  } catch {
    throw new DecryptionError(
      "integrity_check_failed",
      "The encrypted record failed its integrity check (tampered, or bound to another credential)",
    );
  }
}
