import type { Redis } from "ioredis";
import { z } from "zod";
import type { CredentialCipher } from "../crypto/cipher.ts";
import type { EnvelopeSealed } from "../crypto/sealed-credential.ts";
import { createSealedFieldRotator, type SealedFieldRotation } from "../crypto/sealed-field-rotation.ts";

/** An organisation's own OAuth client for a provider, as shown (the secret is write-only). */
export const oauth2ClientViewSchema = z.object({
  providerId: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  updatedAt: z.string(),
});
export type OAuth2ClientView = z.infer<typeof oauth2ClientViewSchema>;

/** A client as the token requests use it: the secret decrypted, in memory only. */
export interface OAuth2Client {
  clientId: string;
  clientSecret?: string;
}

/**
 * Per-organisation OAuth clients in Redis: a hash per (org, provider), `client` the clear JSON and
 * `secret` the client secret sealed by the credential key ring, bound to org and provider (a sealed
 * secret copied to another org or provider does not decrypt).
 */
export interface OAuth2ClientConfigs {
  put(orgId: string, providerId: string, client: OAuth2Client): Promise<OAuth2ClientView>;
  get(orgId: string, providerId: string): Promise<OAuth2ClientView | undefined>;
  /** The client with its secret decrypted: only token requests ask, for the moment they send it. */
  open(orgId: string, providerId: string): Promise<OAuth2Client | undefined>;
  delete(orgId: string, providerId: string): Promise<boolean>;
  /** Key rotation: every client secret under the current key-encryption key (`npm run rotate-keys`). */
  rotateSecrets(): Promise<SealedFieldRotation>;
  /** Which key-encryption key protects each client secret, by `<org>/<provider>`. */
  secretKeyIds(): Promise<Map<string, string>>;
}

const contextOf = (orgId: string, providerId: string) => `blc/oauth2-client/v1|${encodeURIComponent(orgId)}|${providerId}`;

export function createOAuth2ClientConfigs(redis: Redis, cipher: CredentialCipher, prefix = "blc"): OAuth2ClientConfigs {
  const key = (orgId: string, providerId: string) => `${prefix}:oauth2-client:${encodeURIComponent(orgId)}:${providerId}`;
  const view = (json: string | null | undefined) => (json ? oauth2ClientViewSchema.parse(JSON.parse(json)) : undefined);
  // Every (org, provider) with a client, for key rotation: members are "<org>/<provider>" (org URI-encoded).
  const index = `${prefix}:oauth2-clients`;
  const member = (orgId: string, providerId: string) => `${encodeURIComponent(orgId)}/${providerId}`;
  const rotator = createSealedFieldRotator(redis, cipher);
  const sealedFields = (members: string[]) =>
    members.map((id) => {
      const [org = "", providerId = ""] = id.split("/");
      const orgId = decodeURIComponent(org);
      return { id, key: key(orgId, providerId), field: "secret", context: contextOf(orgId, providerId) };
    });

  return {
    async put(orgId, providerId, { clientId, clientSecret }) {
      const shown: OAuth2ClientView = { providerId, clientId, hasClientSecret: clientSecret !== undefined, updatedAt: new Date().toISOString() };
      const fields: Record<string, string> = { client: JSON.stringify(shown) };
      if (clientSecret !== undefined) fields.secret = JSON.stringify(cipher.seal(Buffer.from(clientSecret, "utf8"), contextOf(orgId, providerId)));
      // A client set again without a secret (a public client) keeps no old secret.
      await redis.multi().del(key(orgId, providerId)).hset(key(orgId, providerId), fields).sadd(index, member(orgId, providerId)).exec();
      return shown;
    },
    async get(orgId, providerId) {
      return view(await redis.hget(key(orgId, providerId), "client"));
    },
    async open(orgId, providerId) {
      const [client, secret] = await redis.hmget(key(orgId, providerId), "client", "secret");
      const shown = view(client);
      if (!shown) return undefined;
      const clientSecret = secret ? cipher.open(JSON.parse(secret) as EnvelopeSealed, contextOf(orgId, providerId)).toString("utf8") : undefined;
      return { clientId: shown.clientId, ...(clientSecret !== undefined ? { clientSecret } : {}) };
    },
    async delete(orgId, providerId) {
      const [[, removed] = []] = (await redis.multi().del(key(orgId, providerId)).srem(index, member(orgId, providerId)).exec()) ?? [];
      return removed === 1;
    },
    rotateSecrets: async () => rotator.rotate(sealedFields(await redis.smembers(index))),
    secretKeyIds: async () => rotator.keyIds(sealedFields(await redis.smembers(index))),
  };
}
