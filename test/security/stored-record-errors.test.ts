import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../helpers/test-stack.js";

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
    expect(res.body).toEqual({ error: { code: "stored_record_invalid", message: expect.stringMatching(/server side/) } });
  };

  it("a session record that is not JSON, or not a session, is a 500, logged without its content", async () => {
    const started = await stack.api("POST", "/browser-login/start", { body: { providerId: "demo" } });
    expect(started.status).toBe(202);
    const key = `${stack.config.REDIS_PREFIX}:session:${started.body.sessionId}`;

    await redis.set(key, '{"id": "leaked-content-1", oops');
    expectStoredRecordInvalid(await stack.api("GET", `/browser-login/${started.body.sessionId}`));

    await redis.set(key, JSON.stringify({ id: started.body.sessionId, status: "leaked-content-2", owner: { userId: "user-1" } }));
    expectStoredRecordInvalid(await stack.api("GET", `/browser-login/${started.body.sessionId}`));

    expect(stack.log.text()).toMatch(/StoredRecordInvalid/);
    expect(stack.log.text()).not.toMatch(/leaked-content/);
  });

  it("a request that does not validate is still the client's 400", async () => {
    const res = await stack.api("POST", "/browser-login/start", { body: { providerId: 7 } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_request");
  });
});
