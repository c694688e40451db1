import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { redisKeys } from "../core/redis-keys.ts";
import type { CredentialCipher } from "../crypto/cipher.ts";
import type { EnvelopeSealed } from "../crypto/sealed-credential.ts";
import { createSealedFieldRotator } from "../crypto/sealed-field-rotation.ts";
import { type EndpointInput, type WebhookEndpoint, webhookEndpointSchema } from "./webhook-endpoint-schema.ts";

/**
 * Webhook endpoints in Redis: a hash each (`endpoint`: the clear JSON; `secret`: the signing secret
 * sealed by the credential key ring, bound to the endpoint id) and a set of all ids.
 * Callers check the URL against the address policy before saving (webhook-url-policy.ts).
 */
export interface WebhookEndpoints {
  /** Saves an endpoint; `secret` is the one it signs with (the given one, or a new one): shown once. */
  save(
    input: EndpointInput & { id?: string },
    source: WebhookEndpoint["source"],
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }>;
  list(): Promise<WebhookEndpoint[]>;
  get(id: string): Promise<WebhookEndpoint | undefined>;
  /** The signing secret, decrypted: only the delivery worker asks, for the moment it signs. */
  secret(id: string): Promise<string | undefined>;
  delete(id: string): Promise<boolean>;
  /** Key rotation: rewraps each secret's data key under the current key-encryption key. Ids that failed are listed. */
  rotateSecrets(): Promise<{ rewrapped: number; current: number; failed: string[] }>;
  /** The key-encryption key id protecting each endpoint's secret (read without decrypting). */
  secretKeyIds(): Promise<Map<string, string>>;
}

const contextOf = (id: string) => `blc/webhook-secret/v1|${id}`;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export function createWebhookEndpoints(redis: Redis, cipher: CredentialCipher, prefix = "blc"): WebhookEndpoints {
  const { webhookEndpoint: key, webhookEndpoints: index } = redisKeys(prefix);
  const parse = (json: string | null) => (json ? webhookEndpointSchema.parse(JSON.parse(json)) : undefined);
  const rotator = createSealedFieldRotator(redis, cipher);
  const sealedFields = (ids: string[]) =>
    ids.map((id) => ({ id, key: key(id), field: "secret", context: contextOf(id) }));

  return {
    async save({ id, url, events, description, secret }, source) {
      const endpoint: WebhookEndpoint = {
        id: id ?? `whe_${randomBytes(12).toString("hex")}`,
        url,
        ...(events ? { events } : {}),
        ...(description ? { description } : {}),
        createdAt: new Date().toISOString(),
        source,
      };
      const signing = secret ?? newWebhookSecret();
      const sealed = cipher.seal(Buffer.from(signing, "utf8"), contextOf(endpoint.id));
      await redis
        .multi()
        .hset(key(endpoint.id), { endpoint: JSON.stringify(endpoint), secret: JSON.stringify(sealed) })
        .sadd(index, endpoint.id)
        .exec();
      return { endpoint, secret: signing };
    },
    async list() {
      const ids = await redis.smembers(index);
      if (ids.length === 0) return [];
      const jsons = await Promise.all(ids.map((id) => redis.hget(key(id), "endpoint")));
      return jsons
        .map(parse)
        .filter((e): e is WebhookEndpoint => e !== undefined)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    async get(id) {
      return parse(await redis.hget(key(id), "endpoint"));
    },
    async secret(id) {
      const sealed = await redis.hget(key(id), "secret");
      return sealed ? cipher.open(JSON.parse(sealed) as EnvelopeSealed, contextOf(id)).toString("utf8") : undefined;
    },
    rotateSecrets: async () => rotator.rotate(sealedFields(await redis.smembers(index))),
    secretKeyIds: async () => rotator.keyIds(sealedFields(await redis.smembers(index))),
    async delete(id) {
      const [[, removed] = []] = (await redis.multi().del(key(id)).srem(index, id).exec()) ?? [];
      return removed === 1;
    },
  };
}
