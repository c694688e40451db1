import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/core/config.ts";
import { createLogger } from "../../src/core/logging/logger.ts";
import { migrate } from "../../src/core/postgres-migrations.ts";
import { createPostgresCredentialStore } from "../../src/credentials/store/postgres/postgres-credential-store.ts";
import { buildCredentialStore, serviceMigrations } from "../../src/service/credential-storage.ts";
import { type EmbeddedPostgres, quietPool, startEmbeddedPostgres } from "../helpers/embedded-postgres.ts";
import { freePort } from "../helpers/free-port.ts";
import { describeCredentialStore } from "./credential-store-conformance.ts";

describeCredentialStore("PostgreSQL", async () => {
  const server = await startEmbeddedPostgres({ port: await freePort() });
  const pools: pg.Pool[] = [];
  return {
    // A fresh database, migrated, is a fresh, empty store.
    async create() {
      const pool = quietPool(await server.createDatabase(`conformance${pools.length + 1}`));
      pools.push(pool);
      await migrate(pool, serviceMigrations());
      return createPostgresCredentialStore(pool);
    },
    async close() {
      await Promise.all(pools.map((p) => p.end()));
      await server.stop();
    },
  };
});

describe("PostgreSQL credential store: migrations and stored rows", () => {
  let server: EmbeddedPostgres;
  const pools: pg.Pool[] = [];
  const database = async (name: string) => {
    const pool = quietPool(await server.createDatabase(name));
    pools.push(pool);
    return pool;
  };
  beforeAll(async () => {
    server = await startEmbeddedPostgres({ port: await freePort() });
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await server?.stop();
  });

  it("applies each migration once, in order, when several processes start at the same moment", async () => {
    const pool = await database("migrations");
    const starts = await Promise.all(Array.from({ length: 4 }, () => migrate(pool, serviceMigrations())));
    const names = serviceMigrations().map((m) => m.name);
    expect(names[0]).toBe("0001_credentials.sql");
    // One start did the work; the others waited on the lock and found nothing left.
    expect(starts.filter((applied) => applied.length > 0)).toEqual([names]);
    const { rows } = await pool.query("SELECT version, name FROM schema_migrations ORDER BY version");
    expect(rows.map((r) => r.name)).toEqual(names);
    expect(await migrate(pool, serviceMigrations())).toEqual([]);
  });

  it("rolls a failing migration back whole, recording nothing", async () => {
    const pool = await database("failing");
    const broken = [
      ...serviceMigrations(),
      { version: 9999, name: "9999_broken.sql", sql: "CREATE TABLE half (x int); SELECT no_such_function();" },
    ];
    await expect(migrate(pool, broken)).rejects.toThrow(/no_such_function/);
    const { rows } = await pool.query(
      "SELECT to_regclass('credentials') AS credentials, to_regclass('half') AS half, to_regclass('schema_migrations') AS migrations",
    );
    expect(rows[0]).toEqual({ credentials: null, half: null, migrations: null });
  });

  it("a row whose metadata is no longer metadata is refused on read, not served half-formed", async () => {
    const pool = await database("corrupt");
    await migrate(pool, serviceMigrations());
    await pool.query(
      `INSERT INTO credentials (id, owner_key, owner, metadata, record, wrapped_key)
       VALUES ('cred_bad', '/alice', '{"userId":"alice"}', '{"id":"cred_bad","providerId":42}', '{"v":1,"alg":"A256GCM","kid":"k","iv":"","tag":"","ct":""}', NULL)`,
    );
    const store = createPostgresCredentialStore(pool);
    await expect(store.get("cred_bad")).rejects.toMatchObject({ name: "ZodError" });
    await expect(store.listByOwner({ userId: "alice" })).rejects.toMatchObject({ name: "ZodError" });
  });
});

describe("PostgreSQL credential store: start-up", () => {
  it("an unreachable DATABASE_URL stops start-up with one line naming the setting, never its password", async () => {
    const config = loadConfig({
      NODE_ENV: "test",
      CREDENTIAL_STORE: "postgres",
      DATABASE_URL: `postgres://blc:hunter2@127.0.0.1:${await freePort()}/blc`,
    });
    const failed = await buildCredentialStore(config, { logger: createLogger({ level: "silent" }), role: "api" }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/^DATABASE_URL: could not prepare the credential store in PostgreSQL: .*ECONNREFUSED/);
    expect(failed).not.toMatch(/hunter2|\n/);
  });
});
