import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProviderInput } from "../../src/providers/provider-schema.ts";
import { dumpPostgres } from "../helpers/postgres-dump.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

describe("credentials on PostgreSQL (CREDENTIAL_STORE=postgres), sessions on Redis", () => {
  let stack: TestStack;
  let db: pg.Client;

  beforeAll(async () => {
    // An OAuth2 provider only to set an organisation's client for: nothing here calls its endpoints.
    const idp: ProviderInput = {
      kind: "oauth2",
      id: "idp",
      name: "IdP",
      authorizationEndpoint: "https://idp.example.com/authorize",
      tokenEndpoint: "https://idp.example.com/token",
    };
    stack = await startTestStack({ credentialStore: "postgres", extraProviders: [idp] });
    db = new pg.Client({ connectionString: stack.config.DATABASE_URL });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  it("stores a captured login in Postgres, hands it back to its owner, and keeps no secret in either store", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo");
    await stack.user.logIn(await stack.user.findPage((u) => u.includes(tag)));
    const done = await waitForStatus(stack, sessionId, "completed");

    const { rows } = await db.query("SELECT id, owner, metadata FROM credentials");
    expect(rows).toEqual([
      {
        id: done.credentialId,
        owner: { userId: "user-1" },
        metadata: expect.objectContaining({ providerId: "demo", sessionId }),
      },
    ]);
    const state = await stack.api("GET", `/credentials/${done.credentialId}/storage-state`);
    expect(state.status).toBe(200);
    expect(state.body.storageState.cookies.map((c: { name: string }) => c.name)).toContain("session");
    expect((await stack.api("GET", "/credentials")).body.credentials.map((c: { id: string }) => c.id)).toEqual([
      done.credentialId,
    ]);
    expect(
      (await stack.api("GET", `/credentials/${done.credentialId}/storage-state`, { subject: "someone-else" })).status,
    ).toBe(404);

    const secrets = stack.site.issuedSecrets().filter((s) => !s.startsWith("grant-"));
    // The values looked for are real: the owner's own response carries them.
    expect(secrets.filter((secret) => JSON.stringify(state.body).includes(secret)).length).toBeGreaterThanOrEqual(3);
    const postgresText = await dumpPostgres(stack.config.DATABASE_URL!);
    expect(postgresText).toContain("0001_credentials.sql");
    const redisText = await dumpRedis(stack.redis.url);
    expect(redisText).not.toContain(":credential:");
    for (const secret of [...secrets, stack.config.ENCRYPTION_KEYS!.split(":")[1]!]) {
      expect(postgresText.includes(secret), `secret ${secret.slice(0, 8)}… in Postgres`).toBe(false);
      expect(redisText.includes(secret), `secret ${secret.slice(0, 8)}… in Redis`).toBe(false);
    }

    // rotate-keys reads the configured store: no REDIS_URL needed.
    const { stdout } = await promisify(execFile)(process.execPath, ["src/bin/rotate-keys.ts", "--verify"], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        CREDENTIAL_STORE: "postgres",
        DATABASE_URL: stack.config.DATABASE_URL,
        ENCRYPTION_KEYS: stack.config.ENCRYPTION_KEYS,
      },
    });
    expect(stdout).toMatch(/t1 \(current\): 1 credential\n/);

    expect((await stack.api("DELETE", `/credentials/${done.credentialId}`)).status).toBeLessThan(300);
    expect((await db.query("SELECT count(*)::int AS n FROM credentials")).rows[0].n).toBe(0);
    expect((await stack.api("GET", `/credentials/${done.credentialId}/storage-state`)).status).toBe(404);
  });

  it("keeps an organisation's OAuth client in Postgres beside the credentials, its secret sealed, nothing of it in Redis", async () => {
    const clientSecret = "org-client-secret-5d1e9a7c3b8f2e4a6c0d";
    const admin = { "x-subject-org-role": "admin" };
    const put = await stack.api("PUT", "/oauth2/clients/idp", {
      subject: "admin",
      org: "acme",
      headers: admin,
      body: { clientId: "acme-app", clientSecret },
    });
    expect(put).toMatchObject({ status: 200, body: { clientId: "acme-app", hasClientSecret: true } });
    expect((await stack.api("GET", "/oauth2/clients/idp", { subject: "someone", org: "acme" })).body).toEqual(put.body);
    const { rows } = await db.query("SELECT org_id, provider_id, client->>'clientId' AS client_id FROM oauth2_clients");
    expect(rows).toEqual([{ org_id: "acme", provider_id: "idp", client_id: "acme-app" }]);
    const redisText = await dumpRedis(stack.redis.url);
    expect(redisText).not.toContain("oauth2-client");
    expect(redisText).not.toContain(clientSecret);
    expect(await dumpPostgres(stack.config.DATABASE_URL!)).not.toContain(clientSecret);

    expect(
      (await stack.api("DELETE", "/oauth2/clients/idp", { subject: "admin", org: "acme", headers: admin })).status,
    ).toBe(204);
    expect((await db.query("SELECT count(*)::int AS n FROM oauth2_clients")).rows[0].n).toBe(0);
  });

  it("a row whose metadata no longer reads is a 500 stored_record_invalid, quoting nothing", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo");
    await stack.user.logIn(await stack.user.findPage((u) => u.includes(tag)));
    const { credentialId } = await waitForStatus(stack, sessionId, "completed");
    expect((await stack.api("GET", `/credentials/${credentialId}`)).status).toBe(200);

    await db.query(`UPDATE credentials SET metadata = '{"id": "x", "providerId": "leaked-content"}' WHERE id = $1`, [
      credentialId,
    ]);
    for (const path of [`/credentials/${credentialId}`, "/credentials"]) {
      const res = await stack.api("GET", path);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        error: { code: "stored_record_invalid", message: expect.stringMatching(/server side/) },
      });
    }
    expect(stack.log.text()).toMatch(/StoredRecordInvalid/);
    expect(stack.log.text()).not.toMatch(/leaked-content/);
  });

  // Idle pool connections live for a minute: only closing the pool ends them within the deadline.
  it("a stopped worker leaves no PostgreSQL connection behind (its pool closes with it)", async () => {
    const connections = async (name: string) =>
      (await db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1", [name])).rows[0]
        .n as number;
    expect(await connections("blc-worker")).toBeGreaterThan(0);
    await stack.stopWorker();
    await waitFor(async () => (await connections("blc-worker")) === 0, {
      timeoutMs: 5_000,
      what: "the worker's connections to close",
    });
    expect(await connections("blc-api")).toBeGreaterThan(0);
  });
});
