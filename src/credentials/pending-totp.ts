import type { Redis } from "ioredis";
import { redisKeys } from "../core/redis-keys.ts";
import { ownerKey, type Subject } from "../core/subject.ts";
import type { CredentialCipher } from "../crypto/cipher.ts";
import type { EnvelopeSealed } from "../crypto/sealed-credential.ts";
import { type TotpSecret, totpSecretSchema } from "./totp-secret.ts";

/** Whose secret it is: the login session it was given for, its owner and provider (bound to the ciphertext). */
export interface PendingTotpOwner {
  sessionId: string;
  owner: Subject;
  providerId: string;
}

/**
 * A TOTP secret given before its credential exists (with a login's start, or on the connect page):
 * sealed like a credential (a data key of its own, wrapped by the key ring, bound to the session,
 * owner and provider) under a Redis key that expires with the session. The worker reads it when the
 * site asks for a code, and the capture seals it into the credential; the session's end deletes it.
 * Not rotated by `rotate-keys`: it lives no longer than a login session (keep an old key that long).
 */
export interface PendingTotpSecrets {
  put(owner: PendingTotpOwner, secret: TotpSecret, expiresAtMs: number): Promise<void>;
  /** The secret, decrypted; undefined when none was given (or it expired, or it does not open for this session). */
  get(owner: PendingTotpOwner): Promise<TotpSecret | undefined>;
  delete(sessionId: string): Promise<void>;
}

const contextOf = ({ sessionId, owner, providerId }: PendingTotpOwner) =>
  `blc/pending-totp/v1|${sessionId}|${ownerKey(owner)}|${providerId}`;

/** Past the session's own end, the time a capture in flight may still read the secret. */
const AFTER_SESSION_MS = 60_000;

export function createPendingTotpSecrets(redis: Redis, cipher: CredentialCipher, prefix: string): PendingTotpSecrets {
  const keys = redisKeys(prefix);
  return {
    async put(owner, secret, expiresAtMs) {
      const sealed = cipher.seal(Buffer.from(JSON.stringify(secret), "utf8"), contextOf(owner));
      await redis.set(
        keys.pendingTotp(owner.sessionId),
        JSON.stringify(sealed),
        "PXAT",
        expiresAtMs + AFTER_SESSION_MS,
      );
    },
    async get(owner) {
      const stored = await redis.get(keys.pendingTotp(owner.sessionId));
      if (!stored) return undefined;
      try {
        const plaintext = cipher.open(JSON.parse(stored) as EnvelopeSealed, contextOf(owner));
        return totpSecretSchema.parse(JSON.parse(plaintext.toString("utf8")));
      } catch {
        return undefined;
      }
    },
    async delete(sessionId) {
      await redis.del(keys.pendingTotp(sessionId));
    },
  };
}
