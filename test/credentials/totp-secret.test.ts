import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedRedis, startEmbeddedRedis } from "../../src/core/redis/embedded-redis.ts";
import type { CapturedState } from "../../src/credentials/captured-state.ts";
import { type CredentialVault, createCredentialVault } from "../../src/credentials/credential-vault.ts";
import { createPendingTotpSecrets } from "../../src/credentials/pending-totp.ts";
import { createRedisCredentialStore } from "../../src/credentials/store/redis/redis-credential-store.ts";
import { parseTotpInput, TotpInputError, totpCode } from "../../src/credentials/totp-secret.ts";
import { createEnvelopeCipher } from "../../src/crypto/envelope-cipher.ts";
import { createKeyRing } from "../../src/crypto/key-ring.ts";
import { parseKeyRing } from "../../src/crypto/key-source.ts";
import { freePort } from "../helpers/free-port.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";

/** RFC 6238 appendix B's key for SHA-1, "12345678901234567890", in base32. */
const RFC_KEY = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

describe("reading a person's TOTP secret", () => {
  it("makes RFC 6238's test codes", () => {
    const secret = parseTotpInput(`otpauth://totp/RFC?secret=${RFC_KEY}&digits=8&period=30&algorithm=SHA1`);
    expect(totpCode(secret, 59_000).code).toBe("94287082");
    expect(totpCode(secret, 1_111_111_109_000).code).toBe("07081804");
    expect(totpCode(secret, 20_000_000_000_000).code).toBe("65353130");
    expect(totpCode(secret, 59_000)).toMatchObject({ step: 1, validForMs: 1_000 });
  });

  it("takes base32 as apps show it (any case, spaces, dashes, padding) and otpauth URIs with their parameters", () => {
    const plain = parseTotpInput(RFC_KEY);
    expect(plain).toMatchObject({ secret: RFC_KEY, algorithm: "SHA1", digits: 6, period: 30 });
    expect(parseTotpInput(` ${RFC_KEY.toLowerCase().replace(/(.{4})/g, "$1 ")}== `).secret).toBe(RFC_KEY);
    expect(parseTotpInput(RFC_KEY.replace(/(.{4})/g, "$1-").slice(0, -1)).secret).toBe(RFC_KEY);
    expect(
      parseTotpInput(
        `otpauth://totp/Acme:alice%40acme.test?secret=${RFC_KEY}&issuer=Acme&algorithm=SHA256&digits=8&period=60`,
      ),
    ).toMatchObject({ secret: RFC_KEY, algorithm: "SHA256", digits: 8, period: 60 });
    expect(parseTotpInput(RFC_KEY, new Date("2026-01-02T03:04:05Z")).setAt).toBe("2026-01-02T03:04:05.000Z");
  });

  it("refuses what cannot make a code, saying why without quoting the input", () => {
    const refusals = [
      "",
      "   ",
      "not base32!",
      "JBSWY3DP", // 40 bits
      "A".repeat(2049),
      `otpauth://hotp/X?secret=${RFC_KEY}&counter=1`,
      "otpauth://totp/X",
      `otpauth://totp/X?secret=${RFC_KEY}&digits=9`,
      `otpauth://totp/X?secret=${RFC_KEY}&period=1`,
      `otpauth://totp/X?secret=${RFC_KEY}&algorithm=MD5`,
      `otpauth://totp/X?secret=${"A".repeat(300)}`,
    ];
    for (const input of refusals) {
      let error: unknown;
      try {
        parseTotpInput(input);
      } catch (e) {
        error = e;
      }
      expect(error, input.slice(0, 60)).toBeInstanceOf(TotpInputError);
      expect((error as Error).message).not.toContain(RFC_KEY);
      if (input.trim().length > 8) expect((error as Error).message).not.toContain(input.trim());
    }
  });

  it("fuzz: any string is a secret or a TotpInputError, never another exception", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abc0189 =-:/?&%#+.\u0000\u202e😀\\\"'otpauth";
    for (let i = 0; i < 2_000; i++) {
      const length = randomBytes(1)[0]! % 120;
      let input = Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join("");
      if (i % 3 === 0) input = `otpauth://totp/x?${input}`;
      try {
        const secret = parseTotpInput(input);
        expect(totpCode(secret).code).toMatch(/^\d{6,8}$/);
      } catch (error) {
        expect(error, JSON.stringify(input)).toBeInstanceOf(TotpInputError);
      }
    }
  });
});

describe("a TOTP secret in the vault (real Redis)", () => {
  let dataDir: string;
  let redis: EmbeddedRedis;
  let connection: Redis;
  let vault: CredentialVault;
  let pending: ReturnType<typeof createPendingTotpSecrets>;
  const owner = { userId: "u1" };
  const state = (value: string): CapturedState => ({
    cookies: [
      { name: "sid", value, domain: "a.test", path: "/", expires: -1, httpOnly: true, secure: true, sameSite: "Lax" },
    ],
    origins: [],
  });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "blc-totp-"));
    redis = await startEmbeddedRedis({ port: await freePort(), dir: join(dataDir, "redis") });
    connection = new Redis(redis.url);
    const cipher = createEnvelopeCipher(createKeyRing(parseKeyRing(`t1:${randomBytes(32).toString("base64")}`)));
    vault = createCredentialVault(createRedisCredentialStore(connection), cipher);
    pending = createPendingTotpSecrets(connection, cipher, "blc");
  });
  afterAll(async () => {
    connection?.disconnect();
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("is sealed with the state, kept through a replace, changed by amend without a new version, and never in clear", async () => {
    const totp = parseTotpInput(RFC_KEY);
    const sealed = await vault.seal({
      secret: { kind: "browser_login", state: state("v1"), totp },
      owner,
      providerId: "p",
      details: { secondFactor: { kind: "totp", setAt: totp.setAt, lastUsedAt: "2026-01-01T00:00:00.000Z" } },
    });
    expect(sealed.secondFactor).toEqual({ kind: "totp", setAt: totp.setAt, lastUsedAt: "2026-01-01T00:00:00.000Z" });

    // A re-login's capture brings no secret: the credential keeps its own, and what was learnt of it.
    await vault.updateMetadata(sealed.id, (m) => ({
      secondFactor: { ...m.secondFactor!, rejectedAt: "2026-01-02T00:00:00.000Z" },
    }));
    const replaced = await vault.replace(sealed.id, { secret: { kind: "browser_login", state: state("v2") } });
    expect(replaced).toMatchObject({ outcome: "replaced", metadata: { version: 2 } });
    if (replaced.outcome !== "replaced") throw new Error("not replaced");
    expect(replaced.metadata.secondFactor).toMatchObject({ setAt: totp.setAt, rejectedAt: "2026-01-02T00:00:00.000Z" });
    const opened = await vault.open(sealed.id, owner, { purpose: "test" });
    expect(opened?.secret).toMatchObject({ kind: "browser_login", totp: { secret: RFC_KEY } });
    if (opened?.secret.kind !== "browser_login") throw new Error("not a browser login");
    expect(opened.secret.state.cookies[0]!.value).toBe("v2");
    expect(Object.keys(opened.secret.state)).toEqual(["cookies", "origins"]);

    // A new secret: same version, the old secret's facts gone.
    const other = parseTotpInput("JBSWY3DPEHPK3PXPJBSWY3DP", new Date(Date.parse(totp.setAt) + 1_000));
    const amended = await vault.amend(
      sealed.id,
      (s) => (s.kind === "browser_login" ? { ...s, totp: other } : undefined),
      owner,
      { purpose: "test" },
    );
    expect(amended).toMatchObject({ outcome: "replaced", metadata: { version: 2 } });
    if (amended.outcome !== "replaced") throw new Error("not amended");
    expect(amended.metadata.secondFactor).toEqual({ kind: "totp", setAt: other.setAt });

    // Removed: no secret, no facts.
    const removed = await vault.amend(
      sealed.id,
      (s) => {
        if (s.kind !== "browser_login") return undefined;
        const { totp: _gone, ...rest } = s;
        return rest;
      },
      owner,
      { purpose: "test" },
    );
    if (removed.outcome !== "replaced") throw new Error("not removed");
    expect(removed.metadata.secondFactor).toBeUndefined();
    const dump = await dumpRedis(redis.url);
    for (const secret of [RFC_KEY, "JBSWY3DPEHPK3PXPJBSWY3DP"]) expect(dump).not.toContain(secret);
  });

  it("a secret given before its credential exists opens only for its own session, owner and provider", async () => {
    const totp = parseTotpInput(RFC_KEY);
    const mine = { sessionId: "ls_1", owner, providerId: "p" };
    await pending.put(mine, totp, Date.now() + 60_000);
    expect(await pending.get(mine)).toEqual(totp);
    expect(await pending.get({ ...mine, owner: { userId: "u2" } })).toBeUndefined();
    expect(await pending.get({ ...mine, providerId: "q" })).toBeUndefined();
    expect(await connection.pttl("blc:pending-totp:ls_1")).toBeGreaterThan(60_000);
    expect(await dumpRedis(redis.url)).not.toContain(RFC_KEY);
    await pending.delete("ls_1");
    expect(await pending.get(mine)).toBeUndefined();
  });
});
