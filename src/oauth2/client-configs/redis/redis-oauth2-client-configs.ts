import type { Redis } from "ioredis";
import { redisKeys } from "../../../core/redis-keys.ts";
import type { CredentialCipher } from "../../../crypto/cipher.ts";
import type { EnvelopeSealed } from "../../../crypto/sealed-credential.ts";
import { createSealedFieldRotator } from "../../../crypto/sealed-field-rotation.ts";
import {
  type OAuth2ClientConfigs,
  type OAuth2ClientView,
  oauth2ClientRef,
  oauth2ClientSecretContext,
  oauth2ClientView,
  oauth2ClientViewSchema,
} from "../oauth2-client-configs.ts";

/** Per-organisation OAuth clients in Redis: a hash per (org, provider), `client` the clear JSON and `secret` the sealed secret. */
export function createRedisOAuth2ClientConfigs(
  redis: Redis,
  cipher: CredentialCipher,
  prefix = "blc",
): OAuth2ClientConfigs {
  const { oauth2Client: key, oauth2Clients: index } = redisKeys(prefix);
  const view = (json: string | null | undefined) => (json ? oauth2ClientViewSchema.parse(JSON.parse(json)) : undefined);
  // `index`: every (org, provider) with a client, for key rotation: members are oauth2ClientRef's "<org>/<provider>".
  const rotator = createSealedFieldRotator(redis, cipher);
  const sealedFields = (members: string[]) =>
    members.map((id) => {
      const [org = "", providerId = ""] = id.split("/");
      const orgId = decodeURIComponent(org);
      return {
        id,
        key: key(orgId, providerId),
        field: "secret",
        context: oauth2ClientSecretContext(orgId, providerId),
      };
    });

  return {
    async put(orgId, providerId, client) {
      const shown: OAuth2ClientView = oauth2ClientView(providerId, client);
      const fields: Record<string, string> = { client: JSON.stringify(shown) };
      if (client.clientSecret !== undefined) {
        fields.secret = JSON.stringify(
          cipher.seal(Buffer.from(client.clientSecret, "utf8"), oauth2ClientSecretContext(orgId, providerId)),
        );
      }
      // A client set again without a secret (a public client) keeps no old secret.
      await redis
        .multi()
        .del(key(orgId, providerId))
        .hset(key(orgId, providerId), fields)
        .sadd(index, oauth2ClientRef(orgId, providerId))
        .exec();
      return shown;
    },
    async get(orgId, providerId) {
      return view(await redis.hget(key(orgId, providerId), "client"));
    },
    async open(orgId, providerId) {
      const [client, secret] = await redis.hmget(key(orgId, providerId), "client", "secret");
      const shown = view(client);
      if (!shown) return undefined;
      const clientSecret = secret
        ? cipher
            .open(JSON.parse(secret) as EnvelopeSealed, oauth2ClientSecretContext(orgId, providerId))
            .toString("utf8")
        : undefined;
      return { clientId: shown.clientId, ...(clientSecret !== undefined ? { clientSecret } : {}) };
    },
    async delete(orgId, providerId) {
      const [[, removed] = []] =
        (await redis.multi().del(key(orgId, providerId)).srem(index, oauth2ClientRef(orgId, providerId)).exec()) ?? [];
      return removed === 1;
    },
    rotateSecrets: async () => rotator.rotate(sealedFields(await redis.smembers(index))),
    secretKeyIds: async () => rotator.keyIds(sealedFields(await redis.smembers(index))),
  };
}
