import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/core/config.ts";
import { createLogger } from "../../src/core/logging/logger.ts";
import { migrate } from "../../src/core/postgres-migrations.ts";
import { createEnvelopeCipher } from "../../src/crypto/envelope-cipher.ts";
import { createKeyRing } from "../../src/crypto/key-ring.ts";
import { parseKeyRing } from "../../src/crypto/key-source.ts";
import { buildOAuth2ClientConfigs } from "../../src/oauth2/client-configs/build-oauth2-client-configs.ts";
import { createPostgresOAuth2ClientConfigs } from "../../src/oauth2/client-configs/postgres/postgres-oauth2-client-configs.ts";
import { buildCredentialStore, serviceMigrations } from "../../src/service/credential-storage.ts";
import { type EmbeddedPostgres, quietPool, startEmbeddedPostgres } from "../helpers/embedded-postgres.ts";
import { freePort } from "../helpers/free-port.ts";
import { dumpPostgres } from "../helpers/postgres-dump.ts";
import { describeOAuth2ClientConfigs } from "./oauth2-client-configs-conformance.ts";

describeOAuth2ClientConfigs("PostgreSQL", async () => {
  const server = await startEmbeddedPostgres({ port: await freePort() });
  const pools: pg.Pool[] = [];
  return {
    // A fresh database, migrated, is a fresh, empty storage.
    async create() {
      const url = await server.createDatabase(`clients${pools.length + 1}`);
      const pool = quietPool(url);
      pools.push(pool);
      await migrate(pool, serviceMigrations());
      return {
        configs: (cipher) => createPostgresOAuth2ClientConfigs(pool, cipher),
        dump: () => dumpPostgres(url),
        async copySealedSecret(from, to) {
          await pool.query(
            `UPDATE oauth2_clients SET secret = (SELECT secret FROM oauth2_clients WHERE org_id = $1 AND provider_id = $2) WHERE org_id = $3 AND provider_id = $4`,
            [from.orgId, from.providerId, to.orgId, to.providerId],
          );
        },
      };
    },
    async close() {
      await Promise.all(pools.map((p) => p.end()));
      await server.stop();
    },
  };
});

describe("OAuth clients beside the credentials when CREDENTIAL_STORE=postgres", () => {
  let server: EmbeddedPostgres;
  let url: string;
  const k1 = `k1:${randomBytes(32).toString("base64")}`;
  const k2 = `k2:${randomBytes(32).toString("base64")}`;
  const clientSecret = `client-secret-${randomBytes(12).toString("hex")}`;
  beforeAll(async () => {
    server = await startEmbeddedPostgres({ port: await freePort() });
    url = await server.createDatabase("blc");
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("the credential store's database holds them (no Redis needed), and rotate-keys rewraps them there", async () => {
    const config = loadConfig({
      NODE_ENV: "test",
      CREDENTIAL_STORE: "postgres",
      DATABASE_URL: url,
      ENCRYPTION_KEYS: k1,
    });
    const credentials = await buildCredentialStore(config, { logger: createLogger({ level: "silent" }), role: "api" });
    try {
      const cipher = createEnvelopeCipher(createKeyRing(parseKeyRing(k1)));
      const clients = buildOAuth2ClientConfigs({
        database: credentials.database,
        redis: undefined,
        cipher,
        prefix: config.REDIS_PREFIX,
      });
      await clients.put("acme", "github", { clientId: "acme-client", clientSecret });
    } finally {
      await credentials.close();
    }
    const db = quietPool(url);
    try {
      const { rows } = await db.query(
        "SELECT org_id, provider_id, client->>'clientId' AS client_id, secret->'wrappedKey'->>'kid' AS kid FROM oauth2_clients",
      );
      expect(rows).toEqual([{ org_id: "acme", provider_id: "github", client_id: "acme-client", kid: "k1" }]);
      expect(await dumpPostgres(url)).not.toContain(clientSecret);

      const rotateKeys = (...args: string[]) =>
        promisify(execFile)(process.execPath, ["src/bin/rotate-keys.ts", ...args], {
          env: {
            PATH: process.env.PATH,
            NODE_ENV: "test",
            LOG_LEVEL: "silent",
            CREDENTIAL_STORE: "postgres",
            DATABASE_URL: url,
            ENCRYPTION_KEYS: `${k2},${k1}`,
          },
        });
      // Before: --verify names the client whose secret is still under the old key, and fails.
      await expect(rotateKeys("--verify")).rejects.toMatchObject({
        code: 1,
        stdout: expect.stringContaining("OAuth client acme/github: its secret is still under k1"),
      });
      const { stdout } = await rotateKeys();
      expect(stdout).toContain("Rotated OAuth client secrets: 1 rewrapped, 0 already current.");
      expect((await db.query("SELECT secret->'wrappedKey'->>'kid' AS kid FROM oauth2_clients")).rows).toEqual([
        { kid: "k2" },
      ]);
      expect((await rotateKeys("--verify")).stdout).not.toContain("OAuth client");
    } finally {
      await db.end();
    }
  });
});
