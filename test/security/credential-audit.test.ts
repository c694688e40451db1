import { randomBytes } from "node:crypto";
import { createApiClient } from "@browser-login-capture/client";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/core/logging/logger.ts";
import { createCredentialVault } from "../../src/credentials/credential-vault.ts";
import { createRedisCredentialStore } from "../../src/credentials/store/redis/redis-credential-store.ts";
import { buildCipher } from "../../src/crypto/build-cipher.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";

/** Every decrypt leaves a trail: when, which API key (by id), which subject, why; never the key or the state. */
describe("credential audit trail", () => {
  let stack: TestStack;
  let redis: Redis;
  const secondKey = `test_${randomBytes(16).toString("hex")}`;
  const cookieValue = `audit-secret-${randomBytes(8).toString("hex")}`;

  beforeAll(async () => {
    stack = await startTestStack({ withWorker: false, extraApiKeys: [secondKey] });
    redis = new Redis(stack.redis.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
  });

  it("records each storage-state fetch with the key's id and the subject, and shows the trail to its owner only", async () => {
    const vault = createCredentialVault(
      createRedisCredentialStore(redis, stack.config.REDIS_PREFIX),
      buildCipher(stack.config, createLogger({ level: "silent" })),
    );
    const state = {
      cookies: [
        {
          name: "sid",
          value: cookieValue,
          domain: "app.test",
          path: "/",
          expires: -1,
          httpOnly: true,
          secure: true,
          sameSite: "Lax" as const,
        },
      ],
      origins: [],
    };
    const sealed = await vault.seal({
      secret: { kind: "browser_login", state },
      owner: { userId: "user-1" },
      providerId: "demo",
      sessionId: "ls_x",
    });

    const api = stack.client();
    const own = { params: { path: { id: sealed.id } } };
    expect((await api.GET("/credentials/{id}/audit", own)).data?.entries).toEqual([]);
    const first = await api.GET("/credentials/{id}/storage-state", own);
    expect(first.data?.storageState.cookies[0]?.value).toBe(cookieValue);
    await createApiClient({ baseUrl: stack.baseUrl, apiKey: secondKey, subject: { userId: "user-1" } }).GET(
      "/credentials/{id}/storage-state",
      own,
    );
    // Refused: another subject's fetch is a 404 and decrypts nothing, so it leaves no entry.
    expect((await stack.client("user-2").GET("/credentials/{id}/storage-state", own)).response.status).toBe(404);

    const trail = await api.GET("/credentials/{id}/audit", own);
    expect(trail.response.status).toBe(200);
    const entries = trail.data!.entries;
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        purpose: "storage_state",
        apiKeyId: expect.stringMatching(/^key_[0-9a-f]{12}$/),
        requestId: expect.any(String),
      });
      expect(Date.parse(entry.at)).toBeGreaterThan(Date.now() - 60_000);
    }
    const [newest, oldest] = entries;
    expect(newest!.apiKeyId).not.toBe(oldest!.apiKeyId);
    expect((await stack.client("user-2").GET("/credentials/{id}/audit", own)).response.status).toBe(404);

    // The trail outlives the credential, for its owner.
    expect((await api.DELETE("/credentials/{id}", own)).response.status).toBe(204);
    expect((await api.GET("/credentials/{id}/audit", own)).data?.entries).toHaveLength(2);

    const everything = await dumpRedis(stack.redis.url);
    expect(everything).not.toContain(cookieValue);
    expect(everything).not.toContain(stack.apiKey);
    expect(everything).not.toContain(secondKey);
  });
});
