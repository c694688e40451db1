import type { Redis } from "ioredis";
import { defineLuaCommands, loadLuaCommands } from "../core/redis/lua-commands.ts";
import type { CredentialCipher } from "./cipher.ts";
import type { EnvelopeSealed } from "./sealed-credential.ts";

const COMMANDS = loadLuaCommands(new URL("./commands/", import.meta.url));

interface RotationCommands {
  rewrapSealedField(key: string, field: string, expected: string, next: string): Promise<number>;
}

/** One secret sealed into a Redis hash field, and the context it was sealed for. */
export interface SealedField {
  id: string;
  key: string;
  field: string;
  context: string;
}

export interface SealedFieldRotation {
  rewrapped: number;
  current: number;
  /** Ids whose secret could not be read (an unknown key, a tampered box) or changed while being rotated. */
  failed: string[];
}

/**
 * Key rotation for secrets kept beside their records in Redis hashes (webhook signing secrets, OAuth
 * client secrets): each data key rewrapped under the current key-encryption key, compare-and-swap per
 * field so that a secret replaced or deleted meanwhile is not brought back.
 */
export function createSealedFieldRotator(redis: Redis, cipher: CredentialCipher) {
  const commands = defineLuaCommands<RotationCommands>(redis, COMMANDS);
  return {
    async rotate(fields: Iterable<SealedField>): Promise<SealedFieldRotation> {
      const result: SealedFieldRotation = { rewrapped: 0, current: 0, failed: [] };
      for (const { id, key, field, context } of fields) {
        try {
          const sealed = await redis.hget(key, field);
          if (!sealed) continue;
          const next = cipher.rewrap(JSON.parse(sealed) as EnvelopeSealed, context);
          if (!next) result.current += 1;
          else if (await commands.rewrapSealedField(key, field, sealed, JSON.stringify(next))) result.rewrapped += 1;
          else result.failed.push(id);
        } catch {
          result.failed.push(id);
        }
      }
      return result;
    },
    /** Which key-encryption key protects each secret, read from the wrapped keys (nothing decrypted). */
    async keyIds(fields: Iterable<SealedField>): Promise<Map<string, string>> {
      const kids = new Map<string, string>();
      for (const { id, key, field } of fields) {
        const sealed = await redis.hget(key, field);
        if (sealed) kids.set(id, (JSON.parse(sealed) as EnvelopeSealed).wrappedKey.kid);
      }
      return kids;
    },
  };
}
