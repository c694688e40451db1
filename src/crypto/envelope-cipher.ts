import { randomBytes } from "node:crypto";
import { gcmDecrypt, gcmEncrypt } from "./aes-gcm.ts";
import type { CredentialCipher } from "./cipher.ts";
import type { KeyRing } from "./key-ring.ts";
import type { EnvelopeSealed, WrappedKey } from "./sealed-credential.ts";

/** The wrapped data key is bound to the credential too, and cannot pass for its payload. */
const wrapContext = (context: string) => `dek|${context}`;

/**
 * Envelope encryption: every credential gets its own 256-bit data key (AES-256-GCM, the context as
 * AAD), and the key ring's current key wraps that data key (AES-256-GCM, the context as AAD).
 * Rotation rewraps 32-byte keys instead of re-encrypting payloads; destroying the wrapped key
 * destroys the credential. Per-record keys also keep each key far below GCM's nonce limits.
 */
export function createEnvelopeCipher(ring: KeyRing): CredentialCipher {
  function seal(plaintext: Buffer, context: string): EnvelopeSealed {
    const dataKey = randomBytes(32);
    try {
      return {
        record: { v: 2, alg: "A256GCM", ...gcmEncrypt(dataKey, plaintext, context) },
        wrappedKey: wrap(dataKey, context),
      };
    } finally {
      dataKey.fill(0);
    }
  }

  function wrap(dataKey: Buffer, context: string): WrappedKey {
    return { v: 1, alg: "A256GCM", ...ring.encrypt(dataKey, wrapContext(context)) };
  }

  return {
    currentKeyId: ring.currentKeyId,
    keyIds: ring.keyIds,
    seal,
    open(sealed, context) {
      if (!sealed.wrappedKey) return ring.decrypt(sealed.record, context); // format 1: the ring key encrypted the payload
      const dataKey = ring.decrypt(sealed.wrappedKey, wrapContext(context));
      try {
        return gcmDecrypt(dataKey, sealed.record, context);
      } finally {
        dataKey.fill(0);
      }
    },
    rewrap(sealed, context) {
      if (!sealed.wrappedKey) {
        const plaintext = ring.decrypt(sealed.record, context);
        try {
          return seal(plaintext, context);
        } finally {
          plaintext.fill(0);
        }
      }
      if (sealed.wrappedKey.kid === ring.currentKeyId) return undefined;
      const dataKey = ring.decrypt(sealed.wrappedKey, wrapContext(context));
      try {
        // The payload's integrity is checked at open; a tampered one stays as undecryptable as it was.
        return { record: sealed.record, wrappedKey: wrap(dataKey, context) };
      } finally {
        dataKey.fill(0);
      }
    },
  };
}
