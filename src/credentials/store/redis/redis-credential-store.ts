import type { Redis } from "ioredis";
import { defineLuaCommands, loadLuaCommands } from "../../../core/redis/lua-commands.ts";
import { redisKeys } from "../../../core/redis-keys.ts";
import { subjectSchema } from "../../../core/subject.ts";
import { payloadRecordSchema, type SealedCredential, wrappedKeySchema } from "../../../crypto/sealed-credential.ts";
import { credentialMetadataSchema } from "../../credential-metadata-schema.ts";
import type {
  CredentialMetadata,
  CredentialStore,
  KeyUsage,
  ReplaceOutcome,
  StoredCredential,
} from "../../credential-store.ts";

const COMMANDS = loadLuaCommands(new URL("./commands/", import.meta.url));

interface CredentialCommands {
  replaceSealed(
    key: string,
    field: string,
    expected: string,
    nextKey: string,
    nextRecord: string,
  ): Promise<ReplaceOutcome>;
  update(key: string, expectedRevision: string, meta: string, record: string, dek: string): Promise<ReplaceOutcome>;
}

/**
 * Credentials as Redis hashes: `meta` and `owner` in clear (no secret in them), `record` the
 * encrypted payload, `dek` its wrapped data key (absent on format-1 records). A set per owner
 * lists their credentials. Stored JSON is validated when read back.
 */
export function createRedisCredentialStore(redis: Redis, prefix = "blc"): CredentialStore {
  const { credential: key, credentialsOfOwner: ownerIndex } = redisKeys(prefix);
  const commands = defineLuaCommands<CredentialCommands>(redis, COMMANDS);

  /** The metadata with the key id its wrapped key names: rotation rewraps without rewriting `meta`. */
  function readMetadata(meta: string, dek: string | null): CredentialMetadata {
    const metadata = credentialMetadataSchema.parse(JSON.parse(meta));
    return dek ? { ...metadata, keyId: wrappedKeySchema.parse(JSON.parse(dek)).kid } : metadata;
  }

  async function* scanIds(): AsyncIterable<string[]> {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", key("*"), "COUNT", 200);
      cursor = next;
      if (keys.length) yield keys.map((k) => k.slice(key("").length));
    } while (cursor !== "0");
  }

  async function get(id: string): Promise<StoredCredential | undefined> {
    const [meta, owner, record, dek = null] = await redis.hmget(key(id), "meta", "owner", "record", "dek");
    if (!meta || !owner || !record) return undefined;
    const base = { metadata: readMetadata(meta, dek), owner: subjectSchema.parse(JSON.parse(owner)) };
    const payload = payloadRecordSchema.parse(JSON.parse(record));
    if (payload.v === 1) return { ...base, record: payload };
    if (!dek) return undefined; // its data key was destroyed: nothing can read this payload any more
    return { ...base, record: payload, wrappedKey: wrappedKeySchema.parse(JSON.parse(dek)) };
  }

  return {
    async put({ metadata, owner, record, wrappedKey }) {
      await redis
        .multi()
        .hset(key(metadata.id), {
          meta: JSON.stringify(metadata),
          owner: JSON.stringify(owner),
          record: JSON.stringify(record),
          ...(wrappedKey ? { dek: JSON.stringify(wrappedKey) } : {}),
        })
        .sadd(ownerIndex(owner), metadata.id)
        .exec();
    },
    get,
    async listByOwner(owner) {
      const ids = await redis.smembers(ownerIndex(owner));
      if (ids.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hmget(key(id), "meta", "dek");
      const results = (await pipeline.exec()) ?? [];
      return results
        .map(([, fields]) => {
          const [meta, dek] = fields as [string | null, string | null];
          return meta ? readMetadata(meta, dek) : undefined;
        })
        .filter((m): m is CredentialMetadata => m !== undefined)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async delete(id) {
      const owner = await redis.hget(key(id), "owner");
      if (!owner) return false;
      // In one transaction here; the order (wrapped key first) is the contract for stores without one.
      const results = await redis
        .multi()
        .hdel(key(id), "dek")
        .del(key(id))
        .srem(ownerIndex(subjectSchema.parse(JSON.parse(owner))), id)
        .exec();
      return results?.[1]?.[1] === 1;
    },
    async *allIds() {
      for await (const batch of scanIds()) yield* batch;
    },
    async replaceSealed(id, expected: SealedCredential, next) {
      const [field, read] = expected.wrappedKey ? ["dek", expected.wrappedKey] : ["record", expected.record];
      const nextRecord = expected.wrappedKey && expected.record === next.record ? "" : JSON.stringify(next.record);
      return commands.replaceSealed(key(id), field, JSON.stringify(read), JSON.stringify(next.wrappedKey), nextRecord);
    },
    update(id, expectedRevision, { metadata, sealed }) {
      const [record, dek] = sealed ? [JSON.stringify(sealed.record), JSON.stringify(sealed.wrappedKey)] : ["", ""];
      return commands.update(key(id), String(expectedRevision), JSON.stringify(metadata), record, dek);
    },
    async keyUsage() {
      const counts = new Map<string, KeyUsage>();
      const count = (keyId: string, format: 1 | 2) => {
        const entry = counts.get(`${format}|${keyId}`) ?? { keyId, format, count: 0 };
        counts.set(`${format}|${keyId}`, { ...entry, count: entry.count + 1 });
      };
      for await (const batch of scanIds()) {
        const pipeline = redis.pipeline();
        for (const id of batch) pipeline.hget(key(id), "dek");
        const deks = (await pipeline.exec()) ?? [];
        for (const [i, [, dek]] of deks.entries()) {
          if (dek) {
            count(wrappedKeySchema.parse(JSON.parse(dek as string)).kid, 2);
            continue;
          }
          // Format-1 records carry their key id in the record itself: the only reason to read one here.
          const raw = await redis.hget(key(batch[i]!), "record");
          const record = raw ? payloadRecordSchema.parse(JSON.parse(raw)) : undefined;
          if (record?.v === 1) count(record.kid, 1); // a format-2 payload without its data key is protected by nothing
        }
      }
      return [...counts.values()].sort((a, b) => a.keyId.localeCompare(b.keyId) || a.format - b.format);
    },
  };
}
