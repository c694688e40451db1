import { type GcmBox, gcmDecrypt, gcmEncrypt } from "./aes-gcm.ts";
import { DecryptionError } from "./cipher.ts";

export interface KeyRingEntry {
  id: string;
  key: Buffer;
}

/**
 * The key-encryption keys (ENCRYPTION_KEYS): the first encrypts, any of them decrypts what names it,
 * so a new key can be put first while the old ones still open what they protect. The keys never
 * leave this object.
 */
export interface KeyRing {
  readonly currentKeyId: string;
  readonly keyIds: readonly string[];
  encrypt(plaintext: Buffer, aad: string): GcmBox & { kid: string };
  decrypt(box: GcmBox & { kid: string }, aad: string): Buffer;
}

export function createKeyRing(entries: KeyRingEntry[]): KeyRing {
  if (entries.length === 0) throw new Error("The key ring needs at least one key");
  const byId = new Map<string, Buffer>();
  for (const { id, key } of entries) {
    if (key.length !== 32) throw new Error(`Encryption key ${id} is ${key.length} bytes; AES-256 needs 32`);
    if (byId.has(id)) throw new Error(`Encryption key id ${id} appears twice`);
    byId.set(id, key);
  }
  const current = entries[0]!;
  return {
    currentKeyId: current.id,
    keyIds: entries.map((e) => e.id),
    encrypt: (plaintext, aad) => ({ kid: current.id, ...gcmEncrypt(current.key, plaintext, aad) }),
    decrypt(box, aad) {
      const key = byId.get(box.kid);
      if (!key) throw new DecryptionError("unknown_key", `No encryption key with id ${box.kid} is configured`);
      return gcmDecrypt(key, box, aad);
    },
  };
}
