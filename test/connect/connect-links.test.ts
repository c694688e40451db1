import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bindingDigest } from "../../src/connect/connect-binding.ts";
import { type ConnectLinks, createConnectLinks } from "../../src/connect/connect-links.ts";
import { type EmbeddedRedis, startEmbeddedRedis } from "../../src/core/redis/embedded-redis.ts";
import { freePort } from "../helpers/free-port.ts";

const MINUTE = 60_000;

describe("connect links in Redis: opening binds once, atomically; revoking marks and returns what was started", () => {
  let server: EmbeddedRedis;
  let redis: Redis;
  let links: ConnectLinks;
  /** The links' clock: moved by the tests, not waited for. */
  let now = Date.now();
  const subject = { userId: "user-1" };
  const digest = () => bindingDigest(randomBytes(32).toString("base64url"));

  beforeAll(async () => {
    server = await startEmbeddedRedis({ port: await freePort(), dir: mkdtempSync(join(tmpdir(), "blc-cl-")) });
    redis = new Redis(server.url);
    links = createConnectLinks(redis, { prefix: "t", secret: randomBytes(32), pageTtlMs: 60 * MINUTE, now: () => now });
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  const resolved = async (token: string) => {
    const r = await links.resolve(token);
    return r.ok ? "ok" : r.reason;
  };
  const linkOf = async (token: string) => {
    const r = await links.resolve(token);
    if (!r.ok) throw new Error(`link ${r.reason}`);
    return r.link;
  };

  it("is a bearer link until its deadline to open; once opened, it works for the page's time from then, in that browser only", async () => {
    now = Date.now();
    const unopened = await links.mint({ subject }, 10 * MINUTE);
    const minted = await links.mint({ subject, providers: ["demo"] }, 10 * MINUTE);
    const link = await linkOf(minted.token);
    expect(link).toMatchObject({ id: minted.id, usableUntil: minted.expiresAt, providers: ["demo"] });
    expect(link.binding).toBeUndefined();

    now += 5 * MINUTE;
    const mine = digest();
    const opened = await links.open(link, mine);
    expect(opened).toEqual({ outcome: "bound", usableUntil: new Date(now + 60 * MINUTE).toISOString() });
    expect(await links.open(link, mine)).toEqual({ outcome: "same", usableUntil: opened.usableUntil });
    expect((await links.open(link, digest())).outcome).toBe("other");
    expect(await linkOf(minted.token)).toMatchObject({ binding: mine, usableUntil: opened.usableUntil });

    // Past the deadline to open: the unopened link is dead, the opened one still works.
    now += 6 * MINUTE;
    expect(await resolved(unopened.token)).toBe("expired");
    expect(await resolved(minted.token)).toBe("ok");
    now += 55 * MINUTE;
    expect(await resolved(minted.token)).toBe("expired");
    // Kept a while past that, so it is told apart from a forgery; every key it left goes by itself.
    for (const key of await redis.keys("t:connect-link*")) {
      expect(await redis.pttl(key), key).toBeGreaterThan(0);
    }
  });

  it("gives a link opened by many browsers at once to exactly one", async () => {
    now = Date.now();
    const link = await linkOf((await links.mint({ subject }, 10 * MINUTE)).token);
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => links.open(link, digest())));
    expect(outcomes.filter((o) => o.outcome === "bound")).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === "other")).toHaveLength(49);
  });

  it("revokes for its own subject only, returns what was started through it, and ends what starts after", async () => {
    now = Date.now();
    const minted = await links.mint({ subject }, 10 * MINUTE);
    const link = await linkOf(minted.token);
    await links.open(link, digest());
    expect(await links.noteStarted(link, { kind: "browser_login", id: "ls_1" })).toBe(true);
    expect(await links.noteStarted(link, { kind: "oauth2", id: "state:with:colons" })).toBe(true);
    expect((await links.list(subject)).map((l) => l.id)).toContain(minted.id);

    expect(await links.revoke(minted.id, { userId: "user-2" })).toBeUndefined();
    expect(await links.revoke(minted.id, { userId: "user-1", orgId: "acme" })).toBeUndefined();
    const started = await links.revoke(minted.id, subject);
    expect(started).toEqual(
      expect.arrayContaining([
        { kind: "browser_login", id: "ls_1" },
        { kind: "oauth2", id: "state:with:colons" },
      ]),
    );
    expect(started).toHaveLength(2);
    expect(await resolved(minted.token)).toBe("revoked");
    expect(await links.noteStarted(link, { kind: "browser_login", id: "ls_2" })).toBe(false);
    expect((await links.open(link, digest())).outcome).toBe("revoked");
    // Again: the same answer, so a revoke that failed half-way can be repeated.
    expect(await links.revoke(minted.id, subject)).toHaveLength(2);
    expect((await links.list(subject)).map((l) => l.id)).not.toContain(minted.id);
    expect(await links.revoke(`cl_${"0".repeat(32)}`, subject)).toBeUndefined();
  });

  it("lists a subject's working links only, and forgets the others", async () => {
    now = Date.now();
    const who = { userId: "lister" };
    const a = await links.mint({ subject: who }, 1 * MINUTE);
    const b = await links.mint({ subject: who }, 10 * MINUTE);
    await links.mint({ subject: { userId: "someone-else" } }, 10 * MINUTE);
    expect((await links.list(who)).map((l) => l.id)).toEqual([a.id, b.id]);
    now += 2 * MINUTE;
    expect((await links.list(who)).map((l) => l.id)).toEqual([b.id]);
    // Minting trims the index of links that stopped working.
    await links.mint({ subject: who }, 10 * MINUTE);
    expect(await redis.zscore(`t:connect-links-of:/lister`, a.id)).toBeNull();
  });
});
