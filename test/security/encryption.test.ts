import { randomBytes } from "node:crypto";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reencryptAll } from "../../src/cli/rotate-keys.js";
import { createAesGcmKeyRing } from "../../src/crypto/aes-gcm-key-ring.js";
import { DecryptionError } from "../../src/crypto/cipher.js";
import { loadOrCreateDevKey, parseKeyRing } from "../../src/crypto/key-source.js";
import { createCredentialVault } from "../../src/credentials/credential-vault.js";
import { createRedisCredentialStore } from "../../src/credentials/redis-credential-store.js";
import type { CapturedState } from "../../src/credentials/captured-state.js";
import { startEmbeddedRedis, type EmbeddedRedis } from "../../src/redis/embedded-redis.js";
import { loadConfig } from "../../src/config.js";
import { freePort } from "../helpers/free-port.js";

const key = () => randomBytes(32).toString("base64");
const state: CapturedState = {
  cookies: [{ name: "sid", value: "secret-cookie-value", domain: "example.com", path: "/", expires: -1, httpOnly: true, secure: true, sameSite: "Lax" }],
  origins: [{ origin: "https://example.com", localStorage: [{ name: "token", value: "secret-token" }], sessionStorage: [] }],
};
const owner = { userId: "u1" };

describe("AES-256-GCM key ring", () => {
  it("round-trips, with a fresh nonce for every record", () => {
    const ring = createAesGcmKeyRing([{ id: "k1", key: Buffer.from(key(), "base64") }]);
    const a = ring.encrypt(Buffer.from("hello"), "ctx");
    const b = ring.encrypt(Buffer.from("hello"), "ctx");
    expect(a.iv).not.toBe(b.iv);
    expect(Buffer.from(a.iv, "base64")).toHaveLength(12);
    expect(ring.decrypt(a, "ctx").toString()).toBe("hello");
  });

  it("refuses a record bound to another context, tampered, or under an unknown key", () => {
    const ring = createAesGcmKeyRing([{ id: "k1", key: Buffer.from(key(), "base64") }]);
    const record = ring.encrypt(Buffer.from("hello"), "cred-1|owner|provider");
    expect(() => ring.decrypt(record, "cred-2|owner|provider")).toThrow(DecryptionError);
    const flipped = Buffer.from(record.ct, "base64");
    flipped[0]! ^= 1;
    expect(() => ring.decrypt({ ...record, ct: flipped.toString("base64") }, "cred-1|owner|provider")).toThrow(/integrity check/);
    expect(() => ring.decrypt({ ...record, kid: "k9" }, "cred-1|owner|provider")).toThrow(/No encryption key with id k9/);
  });

  it("refuses keys that are not 32 bytes of base64, clearly", () => {
    expect(() => parseKeyRing(`k1:${randomBytes(16).toString("base64")}`)).toThrow(/must be 32 bytes.*decodes to 16 bytes/);
    expect(() => loadConfig({ NODE_ENV: "production", API_KEYS: "x" })).toThrow(/ENCRYPTION_KEYS/);
    expect(parseKeyRing(`new:${key()},old:${key()}`).map((k) => k.id)).toEqual(["new", "old"]);
  });

  it("generates a development key into a mode-0600 file, and reuses it", () => {
    const dir = mkdtempSync(join(tmpdir(), "blc-key-"));
    const first = loadOrCreateDevKey(dir);
    expect(first.created).toBe(true);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    const second = loadOrCreateDevKey(dir);
    expect(second.created).toBe(false);
    expect(second.entries[0]!.key.equals(first.entries[0]!.key)).toBe(true);
  });
});

describe("credential vault on Redis", () => {
  let server: EmbeddedRedis;
  let redis: Redis;

  beforeAll(async () => {
    server = await startEmbeddedRedis({ port: await freePort(), dir: mkdtempSync(join(tmpdir(), "blc-redis-")) });
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it("stores ciphertext only, and a tampered record gives a clear decryption error", async () => {
    const store = createRedisCredentialStore(redis, "t1");
    const vault = createCredentialVault(store, createAesGcmKeyRing(parseKeyRing(`k1:${key()}`)));
    const meta = await vault.seal({ state, owner, providerId: "p", sessionId: "s" });
    const raw = JSON.stringify(await redis.hgetall(`t1:credential:${meta.id}`));
    expect(raw).not.toContain("secret-cookie-value");
    expect(raw).not.toContain("secret-token");
    expect((await vault.open(meta.id, owner))?.state).toEqual(state);
    expect(await vault.open(meta.id, { userId: "someone-else" })).toBeUndefined();

    const record = JSON.parse((await redis.hget(`t1:credential:${meta.id}`, "record"))!);
    const ct = Buffer.from(record.ct, "base64");
    ct[5]! ^= 0xff;
    await redis.hset(`t1:credential:${meta.id}`, "record", JSON.stringify({ ...record, ct: ct.toString("base64") }));
    await expect(vault.open(meta.id, owner)).rejects.toThrow(/integrity check/);
  });

  it("rotates keys: re-encrypts every credential under the new key, after which the old key can go", async () => {
    const store = createRedisCredentialStore(redis, "t2");
    const oldKey = `old:${key()}`;
    const newKey = `new:${key()}`;
    const before = createCredentialVault(store, createAesGcmKeyRing(parseKeyRing(oldKey)));
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await before.seal({ state, owner, providerId: "p", sessionId: `s${i}` })).id);

    const during = createCredentialVault(store, createAesGcmKeyRing(parseKeyRing(`${newKey},${oldKey}`)));
    expect(await reencryptAll(store, during)).toEqual({ total: 3, reencrypted: 3, failed: [] });
    expect(await reencryptAll(store, during)).toEqual({ total: 3, reencrypted: 0, failed: [] });

    const after = createCredentialVault(store, createAesGcmKeyRing(parseKeyRing(newKey)));
    for (const id of ids) {
      expect((await after.open(id, owner))?.state).toEqual(state);
      expect((await store.get(id))?.metadata.keyId).toBe("new");
    }
  });
});
