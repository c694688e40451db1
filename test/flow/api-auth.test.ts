import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";

/** Every configured API key opens the API, and nothing else does, whatever its length or likeness. */
describe("API key check", () => {
  // Three keys of different lengths, one in base64 ending in one "=" (token68 allows it).
  const [long, short, base64] = [
    `k1_${randomBytes(16).toString("hex")}`,
    `k2_${randomBytes(5).toString("hex")}`,
    randomBytes(32).toString("base64"),
  ];
  const keys = [long, short, base64];
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ withWorker: false, env: { API_KEYS: keys.join(",") } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const withKey = (authorization: string) => ({ headers: { authorization } });
  const expectRefused = (res: { status: number; body: any }, status = 401) => {
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  };
  /** The key with one character changed at `index`, to another character allowed in a key. */
  const changedAt = (key: string, index: number) =>
    key.slice(0, index) + (key[index] === "a" ? "b" : "a") + key.slice(index + 1);

  it("accepts each configured key on reads and writes", async () => {
    for (const key of keys) {
      const providers = await stack.api("GET", "/providers", withKey(`Bearer ${key}`));
      expect(providers.status).toBe(200);
      expect(providers.body.providers.length).toBeGreaterThan(0);
      const started = await stack.api("POST", "/browser-login/start", {
        body: { providerId: "demo" },
        ...withKey(`Bearer ${key}`),
      });
      expect(started.status).toBe(202);
      const status = await stack.api("GET", `/browser-login/${started.body.sessionId}`, withKey(`bearer ${key}`));
      expect(status.status).toBe(200);
      expect(status.body.sessionId).toBe(started.body.sessionId);
    }
  });

  it("refuses a wrong key of the same length as each configured key", async () => {
    for (const key of keys) {
      for (const index of [0, Math.floor(key.length / 2), key.length - 1]) {
        const wrong = changedAt(key, index);
        expect(wrong).toHaveLength(key.length);
        expectRefused(await stack.api("GET", "/providers", withKey(`Bearer ${wrong}`)));
        expectRefused(
          await stack.api("POST", "/browser-login/start", {
            body: { providerId: "demo" },
            ...withKey(`Bearer ${wrong}`),
          }),
        );
      }
    }
  });

  it("refuses prefixes, extensions and combinations of configured keys", async () => {
    for (const presented of [long.slice(0, -1), `${long}0`, `${short}${long}`, short.toUpperCase(), "x"]) {
      expectRefused(await stack.api("GET", "/providers", withKey(`Bearer ${presented}`)));
    }
  });

  it("refuses a missing or malformed Authorization header", async () => {
    expectRefused(await stack.api("GET", "/providers", withKey("")));
    expectRefused(await stack.api("GET", "/providers", withKey(`Basic ${long}`)), 400);
    expectRefused(await stack.api("GET", "/providers", withKey(`Bearer ${long} ${short}`)), 400);
    expectRefused(await stack.api("GET", "/providers", withKey("Bearer")), 400);
  });
});
