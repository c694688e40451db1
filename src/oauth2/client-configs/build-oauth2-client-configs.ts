import type { Redis } from "ioredis";
import type pg from "pg";
import type { CredentialCipher } from "../../crypto/cipher.ts";
import type { OAuth2ClientConfigs } from "./oauth2-client-configs.ts";
import { createPostgresOAuth2ClientConfigs } from "./postgres/postgres-oauth2-client-configs.ts";
import { createRedisOAuth2ClientConfigs } from "./redis/redis-oauth2-client-configs.ts";

/**
 * Organisations' OAuth clients live where the credentials do: in PostgreSQL when the credential
 * store opened a database (CREDENTIAL_STORE=postgres), in Redis otherwise.
 */
export function buildOAuth2ClientConfigs({
  database,
  redis,
  cipher,
  prefix,
}: {
  database?: pg.Pool;
  redis?: Redis;
  cipher: CredentialCipher;
  prefix: string;
}): OAuth2ClientConfigs {
  if (database) return createPostgresOAuth2ClientConfigs(database, cipher);
  if (!redis)
    throw new Error("REDIS_URL: required, organisations' OAuth clients live in Redis (CREDENTIAL_STORE=redis)");
  return createRedisOAuth2ClientConfigs(redis, cipher, prefix);
}
