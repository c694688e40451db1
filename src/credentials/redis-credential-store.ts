import type { Redis } from "ioredis";
import type { EncryptedRecord } from "../crypto/cipher.js";
import { ownerKey, type Subject } from "../sessions/subject.js";
import type { CredentialMetadata, CredentialStore, StoredCredential } from "./credential-store.js";

/**
 * Credentials as Redis hashes: `meta` and `owner` in clear (no secret in them), `record` the
 * AES-GCM ciphertext. A set per owner lists their credentials.
 */
export function createRedisCredentialStore(redis: Redis, prefix = "blc"): CredentialStore {
  const key = (id: string) => `${prefix}:credential:${id}`;
  const ownerIndex = (owner: Subject) => `${prefix}:credentials-of:${ownerKey(owner)}`;

  async function get(id: string): Promise<StoredCredential | undefined> {
    const fields = await redis.hmget(key(id), "meta", "owner", "record");
    const [meta, owner, record] = fields;
    if (!meta || !owner || !record) return undefined;
    return { metadata: JSON.parse(meta), owner: JSON.parse(owner), record: JSON.parse(record) };
  }

  return {
    async put({ metadata, owner, record }) {
      await redis
        .multi()
        .hset(key(metadata.id), { meta: JSON.stringify(metadata), owner: JSON.stringify(owner), record: JSON.stringify(record) })
        .sadd(ownerIndex(owner), metadata.id)
        .exec();
    },
    get,
    async listByOwner(owner) {
      const ids = await redis.smembers(ownerIndex(owner));
      if (ids.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hget(key(id), "meta");
      const results = (await pipeline.exec()) ?? [];
      return results
        .map(([, meta]) => (meta ? (JSON.parse(meta as string) as CredentialMetadata) : undefined))
        .filter((m): m is CredentialMetadata => m !== undefined)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async delete(id) {
      const existing = await get(id);
      if (!existing) return false;
      await redis.multi().del(key(id)).srem(ownerIndex(existing.owner), id).exec();
      return true;
    },
    async *allIds() {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", key("*"), "COUNT", 200);
        cursor = next;
        for (const k of keys) yield k.slice(key("").length);
      } while (cursor !== "0");
    },
    async replaceRecord(id, record: EncryptedRecord) {
      const meta = await redis.hget(key(id), "meta");
      if (!meta) return false;
      const metadata = { ...(JSON.parse(meta) as CredentialMetadata), keyId: record.kid };
      await redis.hset(key(id), { record: JSON.stringify(record), meta: JSON.stringify(metadata) });
      return true;
    },
  };
}
