import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { DecryptionError, type CredentialCipher, type EncryptedRecord } from "./cipher.js";

export interface KeyRingEntry {
  id: string;
  key: Buffer;
}

/**
 * AES-256-GCM with a fresh 96-bit nonce per record. Encrypts with the first key of the ring and
 * decrypts with whichever key the record names, so keys can be rotated without downtime.
 */
export function createAesGcmKeyRing(keys: KeyRingEntry[]): CredentialCipher {
  if (keys.length === 0) throw new Error("The key ring needs at least one key");
  const byId = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    if (key.length !== 32) throw new Error(`Encryption key ${id} is ${key.length} bytes; AES-256 needs 32`);
    if (byId.has(id)) throw new Error(`Encryption key id ${id} appears twice`);
    byId.set(id, key);
  }
  const current = keys[0]!;

  return {
    currentKeyId: current.id,
    encrypt(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", current.key, iv);
      cipher.setAAD(Buffer.from(context, "utf8"));
      const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return {
        v: 1,
        alg: "A256GCM",
        kid: current.id,
        iv: iv.toString("base64"),
        tag: cipher.getAuthTag().toString("base64"),
        ct: ct.toString("base64"),
      };
    },
    decrypt(record: EncryptedRecord, context) {
      const key = byId.get(record.kid);
      if (!key) throw new DecryptionError("unknown_key", `No encryption key with id ${record.kid} is configured`);
      const iv = Buffer.from(record.iv ?? "", "base64");
      const tag = Buffer.from(record.tag ?? "", "base64");
      if (record.v !== 1 || record.alg !== "A256GCM" || iv.length !== 12 || tag.length !== 16) {
        throw new DecryptionError("malformed_record", "The encrypted record is malformed");
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, iv);
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(record.ct, "base64")), decipher.final()]);
      } catch {
        throw new DecryptionError("integrity_check_failed", "The encrypted record failed its integrity check (tampered, or bound to another credential)");
      }
    },
  };
}
