import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedRedis, startEmbeddedRedis } from "../../src/core/redis/embedded-redis.ts";
import { createEnvelopeCipher } from "../../src/crypto/envelope-cipher.ts";
import { createKeyRing } from "../../src/crypto/key-ring.ts";
import { parseKeyRing } from "../../src/crypto/key-source.ts";
import { createWebhookEndpoints } from "../../src/webhooks/webhook-endpoints.ts";
import { freePort } from "../helpers/free-port.ts";

describe("webhook signing secrets kept beside their records under the key ring (OAuth client secrets: test/oauth2/oauth2-client-configs-conformance.ts)", () => {
  let server: EmbeddedRedis;
  let redis: Redis;
  const k1 = `k1:${randomBytes(32).toString("base64")}`;
  const k2 = `k2:${randomBytes(32).toString("base64")}`;
  const cipherOf = (spec: string) => createEnvelopeCipher(createKeyRing(parseKeyRing(spec)));

  beforeAll(async () => {
    server = await startEmbeddedRedis({ port: await freePort(), dir: mkdtempSync(join(tmpdir(), "blc-whrot-")) });
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it("stores a secret sealed (never in clear), and rotation moves it to the new key so the old one can go", async () => {
    const before = createWebhookEndpoints(redis, cipherOf(k1));
    const { endpoint, secret } = await before.save({ url: "https://hooks.example.com/x" }, "api");
    const stored = JSON.stringify(await redis.hgetall(`blc:webhook-endpoint:${endpoint.id}`));
    expect(stored).not.toContain(secret.slice("whsec_".length));
    expect(await before.secretKeyIds()).toEqual(new Map([[endpoint.id, "k1"]]));

    const during = createWebhookEndpoints(redis, cipherOf(`${k2},${k1}`));
    expect(await during.rotateSecrets()).toEqual({ rewrapped: 1, current: 0, failed: [] });
    expect(await during.rotateSecrets()).toEqual({ rewrapped: 0, current: 1, failed: [] });
    expect(await during.secretKeyIds()).toEqual(new Map([[endpoint.id, "k2"]]));

    const after = createWebhookEndpoints(redis, cipherOf(k2));
    expect(await after.secret(endpoint.id)).toBe(secret);
    // Bound to its endpoint: a sealed secret copied to another endpoint does not open.
    const other = await after.save({ url: "https://hooks.example.com/y" }, "api");
    await redis.hset(
      `blc:webhook-endpoint:${other.endpoint.id}`,
      "secret",
      (await redis.hget(`blc:webhook-endpoint:${endpoint.id}`, "secret")) as string,
    );
    await expect(after.secret(other.endpoint.id)).rejects.toThrow();
  });
});
