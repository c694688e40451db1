import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/core/logging/logger.ts";
import { createCredentialVault } from "../../src/credentials/credential-vault.ts";
import { createRedisCredentialStore } from "../../src/credentials/store/redis/redis-credential-store.ts";
import { buildCipher } from "../../src/crypto/build-cipher.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";

/** A client's bad request is a 400; a record of ours that no longer reads is a 500 that says so, quoting nothing. */
describe("corrupt stored records", () => {
  let stack: TestStack;
  let redis: Redis;

  beforeAll(async () => {
    stack = await startTestStack({ withWorker: false });
    redis = new Redis(stack.redis.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
  });

  const expectStoredRecordInvalid = (res: { status: number; body: any }) => {
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: { code: "stored_record_invalid", message: expect.stringMatching(/server side/) },
    });
  };

  it("a session record that is not JSON, or not a session, is a 500, logged without its content", async () => {
    const started = await stack.api("POST", "/browser-login/start", { body: { providerId: "demo" } });
    expect(started.status).toBe(202);
    const key = `${stack.config.REDIS_PREFIX}:session:${started.body.sessionId}`;

    // A session is a hash of JSON fields: one field that is not JSON, then one that is not a session's.
    await redis.hset(key, "metadata", '{"id": "leaked-content-1", oops');
    expectStoredRecordInvalid(await stack.api("GET", `/browser-login/${started.body.sessionId}`));

    await redis.hset(key, "metadata", "{}", "status", JSON.stringify("leaked-content-2"));
    expectStoredRecordInvalid(await stack.api("GET", `/browser-login/${started.body.sessionId}`));

    expect(stack.log.text()).toMatch(/StoredRecordInvalid/);
    expect(stack.log.text()).not.toMatch(/leaked-content/);
  });

  it("credential metadata that is not JSON, or not metadata, is a 500", async () => {
    const vault = createCredentialVault(
      createRedisCredentialStore(redis, stack.config.REDIS_PREFIX),
      buildCipher(stack.config, createLogger({ level: "silent" })),
    );
    const sealed = await vault.seal({
      secret: { kind: "browser_login", state: { cookies: [], origins: [] } },
      owner: { userId: "user-1" },
      providerId: "demo",
      sessionId: "ls_x",
    });
    const key = `${stack.config.REDIS_PREFIX}:credential:${sealed.id}`;
    expect((await stack.api("GET", `/credentials/${sealed.id}`)).status).toBe(200);

    await redis.hset(key, "meta", "{leaked-content-3");
    expectStoredRecordInvalid(await stack.api("GET", `/credentials/${sealed.id}`));
    expectStoredRecordInvalid(await stack.api("GET", "/credentials"));

    await redis.hset(key, "meta", JSON.stringify({ id: sealed.id, providerId: 42, createdAt: "leaked-content-4" }));
    expectStoredRecordInvalid(await stack.api("GET", `/credentials/${sealed.id}`));
    expect(stack.log.text()).not.toMatch(/leaked-content/);
  });

  it("a request that does not validate is still the client's 400", async () => {
    const res = await stack.api("POST", "/browser-login/start", { body: { providerId: 7 } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_request");
  });
});
