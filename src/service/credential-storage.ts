import type { Redis } from "ioredis";
import pg from "pg";
import type { Logger } from "pino";
import type { Config } from "../core/config.ts";
import { loadMigrations, migrate } from "../core/postgres-migrations.ts";
import type { CredentialStore } from "../credentials/credential-store.ts";
import {
  CREDENTIAL_MIGRATIONS,
  createPostgresCredentialStore,
} from "../credentials/store/postgres/postgres-credential-store.ts";
import { createRedisCredentialStore } from "../credentials/store/redis/redis-credential-store.ts";
import { OAUTH2_CLIENT_MIGRATIONS } from "../oauth2/client-configs/postgres/postgres-oauth2-client-configs.ts";

/** Every table the service keeps in PostgreSQL: the credentials, and organisations' OAuth clients beside them. */
export const serviceMigrations = () => loadMigrations(CREDENTIAL_MIGRATIONS, OAUTH2_CLIENT_MIGRATIONS);

export interface CredentialStoreHandle {
  store: CredentialStore;
  /** The PostgreSQL pool when CREDENTIAL_STORE=postgres: organisations' OAuth clients live there too. */
  database?: pg.Pool;
  /** Closes what the store opened itself (the Postgres pool); the Redis connection is the caller's. */
  close(): Promise<void>;
}

/**
 * The store CREDENTIAL_STORE names. Postgres: a small pool on DATABASE_URL, migrated before first use
 * (every process migrates at start-up; the advisory lock lets only one do the work).
 */
export async function buildCredentialStore(
  config: Config,
  { redis, logger, role }: { redis?: Redis; logger: Logger; role: string },
): Promise<CredentialStoreHandle> {
  if (config.CREDENTIAL_STORE === "redis") {
    if (!redis) throw new Error("REDIS_URL: required, the credentials live in Redis (CREDENTIAL_STORE=redis)");
    return { store: createRedisCredentialStore(redis, config.REDIS_PREFIX), close: async () => {} };
  }
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_SIZE,
    application_name: `blc-${role}`,
    connectionTimeoutMillis: 10_000,
    // Kept a while between bursts of captures and status reads; closed with the pool at shutdown.
    idleTimeoutMillis: 60_000,
  });
  // An idle connection the server dropped: the pool replaces it; the next query reports a real outage.
  pool.on("error", (error) => logger.warn({ err: { message: error.message } }, "PostgreSQL connection lost"));
  try {
    const applied = await migrate(pool, serviceMigrations());
    if (applied.length) logger.info({ applied }, "PostgreSQL migrations applied");
  } catch (error) {
    await pool.end().catch(() => {});
    // The message names the failure (refused, authentication, a bad migration), never the URL and its password.
    throw new Error(`DATABASE_URL: could not prepare the credential store in PostgreSQL: ${(error as Error).message}`);
  }
  return { store: createPostgresCredentialStore(pool), database: pool, close: () => pool.end() };
}
