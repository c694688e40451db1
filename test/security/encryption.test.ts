import { execFile } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/core/config.ts";
import { type EmbeddedRedis, startEmbeddedRedis } from "../../src/core/redis/embedded-redis.ts";
import { ownerKey } from "../../src/core/subject.ts";
import type { CapturedState } from "../../src/credentials/captured-state.ts";
import { createCredentialVault } from "../../src/credentials/credential-vault.ts";
import { keyUsageReport, rotateAll } from "../../src/credentials/key-rotation.ts";
import { createRedisCredentialStore } from "../../src/credentials/store/redis/redis-credential-store.ts";
import { DecryptionError } from "../../src/crypto/cipher.ts";
import { createEnvelopeCipher } from "../../src/crypto/envelope-cipher.ts";
import { createKeyRing } from "../../src/crypto/key-ring.ts";
import { loadOrCreateDevKey, parseKeyRing } from "../../src/crypto/key-source.ts";
import { freePort } from "../helpers/free-port.ts";

const key = () => randomBytes(32).toString("base64");
const cipherOf = (spec: string) => createEnvelopeCipher(createKeyRing(parseKeyRing(spec)));
const state: CapturedState = {
  cookies: [
    {
      name: "sid",
      value: "secret-cookie-value",
      domain: "example.com",
      path: "/",
      expires: -1,
      httpOnly: true,
      secure: true,
      sameSite: "Lax",
    },
  ],
  origins: [
    { origin: "https://example.com", localStorage: [{ name: "token", value: "secret-token" }], sessionStorage: [] },
  ],
};
const owner = { userId: "u1" };

const TEST_ACCESS = { purpose: "test" };

describe("envelope cipher", () => {
  it("round-trips, with a fresh data key and nonce for every record, the data key wrapped by the current key", () => {
    const cipher = cipherOf(`k1:${key()}`);
    const a = cipher.seal(Buffer.from("hello"), "ctx");
    const b = cipher.seal(Buffer.from("hello"), "ctx");
    expect(a.record.v).toBe(2);
    expect(a.wrappedKey).toMatchObject({ v: 1, alg: "A256GCM", kid: "k1" });
    expect(a.wrappedKey.ct).not.toBe(b.wrappedKey.ct);
    expect(Buffer.from(a.wrappedKey.ct, "base64")).toHaveLength(32);
    expect(a.record.iv).not.toBe(b.record.iv);
    expect(cipher.open(a, "ctx").toString()).toBe("hello");
  });

  it("refuses a record or wrapped key bound to another context, tampered, or under an unknown key", () => {
    const cipher = cipherOf(`k1:${key()}`);
    const sealed = cipher.seal(Buffer.from("hello"), "cred-1|owner|provider");
    expect(() => cipher.open(sealed, "cred-2|owner|provider")).toThrow(DecryptionError);
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, "base64");
      bytes[0]! ^= 1;
      return bytes.toString("base64");
    };
    expect(() =>
      cipher.open({ ...sealed, record: { ...sealed.record, ct: flip(sealed.record.ct) } }, "cred-1|owner|provider"),
    ).toThrow(/integrity check/);
    expect(() =>
      cipher.open(
        { ...sealed, wrappedKey: { ...sealed.wrappedKey, ct: flip(sealed.wrappedKey.ct) } },
        "cred-1|owner|provider",
      ),
    ).toThrow(/integrity check/);
    expect(() =>
      cipher.open({ ...sealed, wrappedKey: { ...sealed.wrappedKey, kid: "k9" } }, "cred-1|owner|provider"),
    ).toThrow(/No encryption key with id k9/);
  });

  it("refuses keys that are not 32 bytes of base64, clearly", () => {
    expect(() => parseKeyRing(`k1:${randomBytes(16).toString("base64")}`)).toThrow(
      /must be 32 bytes.*decodes to 16 bytes/,
    );
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

/** A format-1 credential exactly as the service wrote them before envelope encryption. */
async function writeFormatOne(redis: Redis, prefix: string, id: string, ring: { id: string; key: string }) {
  const context = `blc/v1|${id}|${ownerKey(owner)}|p`;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(ring.key, "base64"), iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ct = Buffer.concat([cipher.update(JSON.stringify(state)), cipher.final()]);
  const record = {
    v: 1,
    alg: "A256GCM",
    kid: ring.id,
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    ct: ct.toString("base64"),
  };
  const meta = {
    id,
    providerId: "p",
    sessionId: "s-old",
    createdAt: new Date().toISOString(),
    origins: ["https://example.com"],
    cookieCount: 1,
    earliestExpiry: null,
    keyId: ring.id,
  };
  await redis.hset(`${prefix}:credential:${id}`, {
    meta: JSON.stringify(meta),
    owner: JSON.stringify(owner),
    record: JSON.stringify(record),
  });
  await redis.sadd(`${prefix}:credentials-of:${ownerKey(owner)}`, id);
}

/**
 * Runs `race` (another client's work) just before this connection sends its first command that is
 * not a read: the moment between rotation reading a credential and writing it back.
 */
function raceBeforeFirstWrite(redis: Redis, race: () => Promise<unknown>): () => boolean {
  const reads = new Set([
    "hello",
    "auth",
    "hget",
    "hmget",
    "hgetall",
    "get",
    "exists",
    "scan",
    "smembers",
    "sscan",
    "ping",
    "info",
    "client",
    "select",
  ]);
  const send = redis.sendCommand.bind(redis);
  let fired = false;
  redis.sendCommand = ((
    command: { name: string; promise: Promise<unknown>; reject(e: unknown): void },
    stream?: never,
  ) => {
    if (fired || reads.has(command.name.toLowerCase())) return send(command as never, stream);
    fired = true;
    race().then(
      () => send(command as never, stream),
      (error) => command.reject(error),
    );
    return command.promise;
  }) as typeof redis.sendCommand;
  return () => fired;
}

describe("credential vault on Redis", () => {
  let server: EmbeddedRedis;
  let redis: Redis;
  const connections: Redis[] = [];
  const connect = () => {
    const connection = new Redis(server.url);
    connections.push(connection);
    return connection;
  };

  beforeAll(async () => {
    server = await startEmbeddedRedis({ port: await freePort(), dir: mkdtempSync(join(tmpdir(), "blc-redis-")) });
    redis = connect();
  });
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await server?.stop();
  });

  it("stores ciphertext and a wrapped key only; a changed payload or wrapped key gives an integrity error", async () => {
    const store = createRedisCredentialStore(redis, "t1");
    const vault = createCredentialVault(store, cipherOf(`k1:${key()}`));
    const meta = await vault.seal({ secret: { kind: "browser_login", state }, owner, providerId: "p", sessionId: "s" });
    const other = await vault.seal({
      secret: { kind: "browser_login", state },
      owner,
      providerId: "p",
      sessionId: "s2",
    });
    const hash = `t1:credential:${meta.id}`;
    const raw = await redis.hgetall(hash);
    expect(JSON.stringify(raw)).not.toMatch(/secret-cookie-value|secret-token/);
    expect(JSON.parse(raw.dek!)).toMatchObject({ v: 1, alg: "A256GCM", kid: "k1" });
    expect(JSON.parse(raw.record!)).toMatchObject({ v: 2, alg: "A256GCM" });
    expect((await vault.open(meta.id, owner, TEST_ACCESS))?.secret).toEqual({ kind: "browser_login", state });
    expect(await vault.open(meta.id, { userId: "someone-else" }, TEST_ACCESS)).toBeUndefined();

    const flipped = (json: string) => {
      const box = JSON.parse(json);
      const ct = Buffer.from(box.ct, "base64");
      ct[5]! ^= 0xff;
      return JSON.stringify({ ...box, ct: ct.toString("base64") });
    };
    await redis.hset(hash, "record", flipped(raw.record!));
    await expect(vault.open(meta.id, owner, TEST_ACCESS)).rejects.toThrow(/integrity check/);
    await redis.hset(hash, { record: raw.record!, dek: flipped(raw.dek!) });
    await expect(vault.open(meta.id, owner, TEST_ACCESS)).rejects.toThrow(/integrity check/);
    // Another credential's data key, valid in itself, is bound to that credential.
    await redis.hset(hash, "dek", (await redis.hget(`t1:credential:${other.id}`, "dek"))!);
    await expect(vault.open(meta.id, owner, TEST_ACCESS)).rejects.toThrow(/integrity check/);
    await redis.hset(hash, "dek", raw.dek!);
    expect((await vault.open(meta.id, owner, TEST_ACCESS))?.secret).toEqual({ kind: "browser_login", state });
  });

  it("rotates by rewrapping data keys (payloads untouched), upgrades format-1 records, and --verify counts before and after", async () => {
    const store = createRedisCredentialStore(redis, "t2");
    const oldKey = { id: "old", key: key() };
    const newKey = `new:${key()}`;
    const before = createCredentialVault(store, cipherOf(`${oldKey.id}:${oldKey.key}`));
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (await before.seal({ secret: { kind: "browser_login", state }, owner, providerId: "p", sessionId: `s${i}` }))
          .id,
      );
    const legacyId = "cred_00000000-0000-4000-8000-000000000001";
    await writeFormatOne(redis, "t2", legacyId, oldKey);
    const payloadsBefore = await Promise.all(ids.map((id) => redis.hget(`t2:credential:${id}`, "record")));

    const during = cipherOf(`${newKey},${oldKey.id}:${oldKey.key}`);
    const vault = createCredentialVault(store, during);
    expect((await vault.open(legacyId, owner, TEST_ACCESS))?.secret).toEqual({ kind: "browser_login", state });
    const first = await keyUsageReport(store, during.keyIds, during.currentKeyId);
    expect(first.usage).toEqual([
      { keyId: "old", format: 1, count: 1 },
      { keyId: "old", format: 2, count: 3 },
    ]);
    expect(first).toMatchObject({ stillUsed: ["old"], droppable: [], formatOne: 1, settled: false });

    expect(await rotateAll(store, vault)).toEqual({
      total: 4,
      rewrapped: 3,
      upgraded: 1,
      current: 0,
      missing: 0,
      changed: [],
      failed: [],
    });
    expect(await rotateAll(store, vault)).toEqual({
      total: 4,
      rewrapped: 0,
      upgraded: 0,
      current: 4,
      missing: 0,
      changed: [],
      failed: [],
    });
    expect(await Promise.all(ids.map((id) => redis.hget(`t2:credential:${id}`, "record")))).toEqual(payloadsBefore);
    const after = await keyUsageReport(store, during.keyIds, during.currentKeyId);
    expect(after).toMatchObject({
      usage: [{ keyId: "new", format: 2, count: 4 }],
      stillUsed: [],
      droppable: ["old"],
      formatOne: 0,
      settled: true,
    });

    const newOnly = createCredentialVault(store, cipherOf(newKey));
    for (const id of [...ids, legacyId]) {
      expect((await newOnly.open(id, owner, TEST_ACCESS))?.secret).toEqual({ kind: "browser_login", state });
      expect((await newOnly.list(owner)).find((m) => m.id === id)?.keyId).toBe("new");
    }
  });

  it("a credential deleted while rotation holds it stays deleted", async () => {
    const oldKey = `old:${key()}`;
    const ring = `new:${key()},${oldKey}`;
    const sealed = await createCredentialVault(createRedisCredentialStore(redis, "t3"), cipherOf(oldKey)).seal({
      secret: { kind: "browser_login", state },
      owner,
      providerId: "p",
      sessionId: "s",
    });
    const deleter = createCredentialVault(createRedisCredentialStore(connect(), "t3"), cipherOf(ring));
    const rotatorConnection = connect();
    const fired = raceBeforeFirstWrite(rotatorConnection, async () =>
      expect(await deleter.delete(sealed.id, owner)).toBe(true),
    );

    const rotator = createCredentialVault(createRedisCredentialStore(rotatorConnection, "t3"), cipherOf(ring));
    expect(await rotator.rotate(sealed.id)).toBe("missing");
    expect(fired()).toBe(true);
    expect(await redis.keys("t3:credential:*")).toEqual([]);
    expect(await deleter.list(owner)).toEqual([]);
  });

  it("a credential rewrapped by another rotator meanwhile keeps their write", async () => {
    const oldKey = `old:${key()}`;
    const ring = `new:${key()},${oldKey}`;
    const sealed = await createCredentialVault(createRedisCredentialStore(redis, "t4"), cipherOf(oldKey)).seal({
      secret: { kind: "browser_login", state },
      owner,
      providerId: "p",
      sessionId: "s",
    });
    const hash = `t4:credential:${sealed.id}`;
    const other = createCredentialVault(createRedisCredentialStore(connect(), "t4"), cipherOf(ring));
    let theirs: string | null = null;
    const rotatorConnection = connect();
    raceBeforeFirstWrite(rotatorConnection, async () => {
      expect(await other.rotate(sealed.id)).toBe("rewrapped");
      theirs = await redis.hget(hash, "dek");
    });

    const rotator = createCredentialVault(createRedisCredentialStore(rotatorConnection, "t4"), cipherOf(ring));
    expect(await rotator.rotate(sealed.id)).toBe("current");
    expect(theirs).toMatch(/"kid":"new"/);
    expect(await redis.hget(hash, "dek")).toBe(theirs);
    expect((await rotator.open(sealed.id, owner, TEST_ACCESS))?.secret).toEqual({ kind: "browser_login", state });
  });

  it("shreds: delete leaves nothing, and a surviving copy of the payload opens with no ring key", async () => {
    const spec = `k1:${key()}`;
    const store = createRedisCredentialStore(redis, "t5");
    const vault = createCredentialVault(store, cipherOf(spec));
    const sealed = await vault.seal({
      secret: { kind: "browser_login", state },
      owner,
      providerId: "p",
      sessionId: "s",
    });
    const hash = `t5:credential:${sealed.id}`;
    const copy = await redis.hgetall(hash);

    expect(await vault.delete(sealed.id, owner)).toBe(true);
    expect(await redis.keys(`t5:*`)).toEqual([]);

    // A backup or replica that kept the payload and metadata but not the wrapped key.
    await redis.hset(hash, { meta: copy.meta!, owner: copy.owner!, record: copy.record! });
    expect(await vault.open(sealed.id, owner, TEST_ACCESS)).toBeUndefined();
    const ring = createKeyRing(parseKeyRing(spec));
    const payload = JSON.parse(copy.record!);
    const context = `blc/v1|${sealed.id}|${ownerKey(owner)}|p`;
    for (const kid of ring.keyIds) expect(() => ring.decrypt({ ...payload, kid }, context)).toThrow(/integrity check/);
  });

  it("rotate-keys --verify exits non-zero while an old key protects a credential, and zero once rotation freed it", async () => {
    const oldKey = `old:${key()}`;
    const ring = `new:${key()},${oldKey}`;
    await createCredentialVault(createRedisCredentialStore(redis, "t6"), cipherOf(oldKey)).seal({
      secret: { kind: "browser_login", state },
      owner,
      providerId: "p",
      sessionId: "s",
    });
    const run = async (...args: string[]) => {
      try {
        const { stdout } = await promisify(execFile)(process.execPath, ["src/bin/rotate-keys.ts", ...args], {
          env: {
            ...process.env,
            NODE_ENV: "test",
            REDIS_URL: server.url,
            REDIS_PREFIX: "t6",
            ENCRYPTION_KEYS: ring,
            LOG_LEVEL: "silent",
          },
        });
        return { code: 0, stdout };
      } catch (error) {
        const failed = error as { code: number; stdout: string };
        return { code: failed.code, stdout: failed.stdout };
      }
    };

    const before = await run("--verify");
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/old: 1 credential: still in use/);
    expect(before.stdout).not.toMatch(/can be dropped/);

    const rotation = await run();
    expect(rotation.code).toBe(0);
    expect(rotation.stdout).toMatch(/1 data keys rewrapped/);
    expect(rotation.stdout).toMatch(/old: 0 credentials: can be dropped from ENCRYPTION_KEYS/);

    const verified = await run("--verify");
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/new \(current\): 1 credential\n/);
    expect(JSON.stringify([before, rotation, verified])).not.toMatch(/secret-cookie-value|base64|[A-Za-z0-9+/]{43}=/);
  }, 30_000);
});
