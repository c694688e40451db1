import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionRecord } from "../../src/browser-login/sessions/session-record.ts";
import { createSessionStore, type SessionStore } from "../../src/browser-login/sessions/session-store.ts";
import { type EmbeddedRedis, startEmbeddedRedis } from "../../src/core/redis/embedded-redis.ts";
import { freePort } from "../helpers/free-port.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * The session store's limits and fair queue (docs/fairness.md), against a real Redis: what one
 * subject or connect link may hold, that every way a session ends gives its place back, that a lost
 * holder stops counting at its deadline, and the order in which workers' slots are given out.
 */
describe("session limits and the fair queue", () => {
  let server: EmbeddedRedis;
  let redis: Redis;
  let store: SessionStore;
  let prefix = "";
  let n = 0;
  const lease = { workerId: "w", ms: 60_000 };

  beforeAll(async () => {
    server = await startEmbeddedRedis({ port: await freePort(), dir: mkdtempSync(join(tmpdir(), "blc-sq-")) });
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  /** A store of its own per test: its own prefix, so that queues and holders start empty. */
  function freshStore(): SessionStore {
    prefix = `q${++n}`;
    store = createSessionStore(redis, { prefix, retentionSeconds: 60, expiryGraceMs: 0 });
    return store;
  }

  function newRecord(userId: string, expiresInMs = 60_000): SessionRecord {
    const now = new Date().toISOString();
    return {
      id: `ls_${userId}_${++n}`,
      owner: { userId },
      providerId: "p",
      loginUrl: "https://x.test/login",
      status: "queued",
      liveViewUrl: null,
      createdAt: now,
      updatedAt: now,
      expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
      timeline: {},
      metadata: {},
    };
  }

  async function start(userId: string, limits = {}, expiresInMs = 60_000) {
    const record = newRecord(userId, expiresInMs);
    const result = await store.create(record, Date.now() + expiresInMs, limits);
    return { id: record.id, result };
  }

  const cancel = (id: string) =>
    store.transition(id, { status: "cancelled", error: { code: "cancelled", message: "" } });

  it("refuses a subject's session past its limit, stores nothing of it, and says when a place frees up", async () => {
    freshStore();
    const limits = { perSubject: 3 };
    const first = await start("a", limits, 20_000);
    await start("a", limits, 40_000);
    await start("a", limits, 40_000);
    const refused = await start("a", limits);
    expect(refused.result).toMatchObject({ ok: false, scope: "subject", limit: 3 });
    if (refused.result.ok) throw new Error("admitted");
    // The earliest of the three expires in 20 s.
    expect(refused.result.retryAfterMs).toBeGreaterThan(15_000);
    expect(refused.result.retryAfterMs).toBeLessThanOrEqual(20_000);
    expect(await store.get(refused.id)).toBeUndefined();
    // Another subject is not affected.
    expect((await start("b", limits)).result.ok).toBe(true);

    // Cancelling gives the place back at once.
    await cancel(first.id);
    expect((await start("a", limits)).result.ok).toBe(true);
    expect((await start("a", limits)).result.ok).toBe(false);
  });

  it("counts exactly the limit when many starts race (one script decides each)", async () => {
    freshStore();
    const many = await Promise.all(Array.from({ length: 25 }, () => start("racer", { perSubject: 4 })));
    expect(many.filter((s) => s.result.ok)).toHaveLength(4);
  });

  it("gives a place back on every ending: claimed ones hold on, completed, failed, expired and reaped ones do not", async () => {
    freshStore();
    const limits = { perSubject: 2 };
    const a = await start("e", limits);
    const b = await start("e", limits);
    // Running (claimed by a worker) still holds its place.
    expect((await store.claimNext("w", 60_000))?.id).toBe(a.id);
    expect((await start("e", limits)).result.ok).toBe(false);
    for (const status of ["awaiting_login", "authenticated", "capturing"] as const)
      await store.transition(a.id, { status }, { lease });
    await store.transition(a.id, { status: "completed", credentialId: "c" });
    const c = await start("e", limits);
    expect(c.result.ok).toBe(true);
    await store.transition(b.id, { status: "failed", error: { code: "x", message: "" } });
    // Its hold lasts until its deadline (expiry + the reaper's grace, 0 here): long enough for the next start.
    const d = await start("e", limits, 3_000);
    expect(d.result.ok).toBe(true);
    expect((await start("e", limits)).result.ok).toBe(false);
    // d expires: the reaper ends it and its place is free.
    await waitFor(async () => (await store.reap()).ended >= 1 || undefined, { what: "the reaper to end d" });
    expect((await store.get(d.id))?.status).toBe("expired");
    expect((await start("e", limits)).result.ok).toBe(true);
  });

  it("limits a connect link on its own, within its subject's limit", async () => {
    freshStore();
    const viaLink = (id: string) => ({ perSubject: 5, connectLink: { id, limit: 2 } });
    const first = await start("l", viaLink("link1"));
    await start("l", viaLink("link1"));
    expect((await start("l", viaLink("link1"))).result).toMatchObject({ ok: false, scope: "connect_link", limit: 2 });
    expect((await start("l", viaLink("link2"))).result.ok).toBe(true);
    expect((await start("l", { perSubject: 5 })).result.ok).toBe(true);
    // The subject is now at 4 of 5: a fifth through another link is allowed, a sixth not, whatever the link.
    expect((await start("l", viaLink("link3"))).result.ok).toBe(true);
    expect((await start("l", viaLink("link4"))).result).toMatchObject({ ok: false, scope: "subject" });
    await cancel(first.id);
    expect((await start("l", viaLink("link1"))).result.ok).toBe(true);
  });

  it("does not lock a subject out when a session's end is never recorded: its place lapses at its deadline", async () => {
    freshStore();
    const limits = { perSubject: 1 };
    const lost = await start("crash", limits, 300);
    // As if Redis lost the session (or no reaper ran): nothing will ever end it.
    await redis.del(`${prefix}:session:${lost.id}`);
    expect((await start("crash", limits)).result.ok).toBe(false);
    await waitFor(async () => (await start("crash", limits)).result.ok || undefined, {
      what: "the lost holder to lapse",
      timeoutMs: 10_000,
    });
    // Its holder set has a time to live: a subject that never comes back leaves no key behind.
    expect(await redis.pttl(`${prefix}:holders:/crash`)).toBeGreaterThan(0);
  });

  it("serves the subject holding the fewest first, oldest first among equals", async () => {
    freshStore();
    const burst = [];
    for (let i = 0; i < 5; i++) burst.push((await start("burst")).id);
    const other = (await start("other")).id;
    const order: string[] = [];
    for (let i = 0; i < 6; i++) order.push((await store.claimNext("w", 60_000))!.id);
    // The burst's first (it came first), then the other subject's first, then the rest of the burst.
    expect(order).toEqual([burst[0], other, ...burst.slice(1)]);
    expect(await store.claimNext("w", 60_000)).toBeUndefined();
  });

  it("keeps serving fairly over time: a steady stream does not push back a subject holding less", async () => {
    freshStore();
    // A holds two running sessions and keeps queuing; B holds one and queues one later than A's.
    const a1 = (await start("steady-a")).id;
    const a2 = (await start("steady-a")).id;
    const b1 = (await start("steady-b")).id;
    for (let i = 0; i < 3; i++) await store.claimNext("w", 60_000);
    const a3 = (await start("steady-a")).id;
    const b2 = (await start("steady-b")).id;
    const a4 = (await start("steady-a")).id;
    expect((await store.claimNext("w", 60_000))?.id).toBe(b2);
    // Once A's running sessions end, A holds the fewest again and its queue goes on in order.
    await cancel(a1);
    await cancel(a2);
    expect((await store.claimNext("w", 60_000))?.id).toBe(a3);
    await cancel(b1);
    expect((await store.claimNext("w", 60_000))?.id).toBe(a4);
  });

  it("skips sessions that ended while queued, and claims a session queued by an older version through its job", async () => {
    freshStore();
    const gone = (await start("skip")).id;
    const next = (await start("skip")).id;
    await cancel(gone);
    expect((await store.claimNext("w", 60_000))?.id).toBe(next);
    // Stored without holds (an older version's session): not in the fair queues, claimed as its job's own.
    const legacy = newRecord("legacy");
    await store.create(legacy, Date.now() + 60_000);
    await redis.hdel(`${prefix}:session:${legacy.id}`, "holds");
    await redis.del(`${prefix}:fair-queue:/legacy`, `${prefix}:fair-subjects`);
    expect(await store.claimNext("w", 60_000)).toBeUndefined();
    const claimed = await store.claimNext("w", 60_000, legacy.id);
    expect(claimed).toMatchObject({ id: legacy.id, status: "starting", workerId: "w" });
    expect(await store.claimNext("w", 60_000, legacy.id)).toBeUndefined();
  });
});
