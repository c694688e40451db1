import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionRecord } from "../../src/browser-login/sessions/session-record.ts";
import {
  canMove,
  holdsLease,
  isFinal,
  SESSION_STATES,
  SESSION_STATUSES,
  type SessionStatus,
} from "../../src/browser-login/sessions/session-states.ts";
import { createSessionStore, type SessionStore } from "../../src/browser-login/sessions/session-store.ts";
import { createSessionWakeups, type SessionWakeup } from "../../src/browser-login/sessions/wakeups.ts";
import { type EmbeddedRedis, startEmbeddedRedis } from "../../src/core/redis/embedded-redis.ts";
import { freePort } from "../helpers/free-port.ts";
import { waitFor } from "../helpers/wait-for.ts";

describe("session store (Redis, Lua commands, the state table)", () => {
  let server: EmbeddedRedis;
  let redis: Redis;
  let store: SessionStore;
  let n = 0;
  const lease = { workerId: "w", ms: 60_000 };

  beforeAll(async () => {
    server = await startEmbeddedRedis({ port: await freePort(), dir: mkdtempSync(join(tmpdir(), "blc-ss-")) });
    redis = new Redis(server.url);
    store = createSessionStore(redis, { retentionSeconds: 60, expiryGraceMs: 0 });
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  function newRecord(expiresInMs = 60_000, metadata: SessionRecord["metadata"] = { a: 1 }): SessionRecord {
    const now = new Date().toISOString();
    return {
      id: `s${++n}`,
      owner: { userId: "u" },
      providerId: "p",
      loginUrl: "https://x.test/login",
      status: "queued",
      liveViewUrl: null,
      createdAt: now,
      updatedAt: now,
      expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
      timeline: {},
      metadata,
    };
  }

  async function create(expiresInMs = 60_000, metadata?: SessionRecord["metadata"]): Promise<SessionRecord> {
    const record = newRecord(expiresInMs, metadata);
    await store.create(record, Date.now() + expiresInMs);
    return record;
  }

  /** A session brought to `status` along the table's first listed moves. */
  async function sessionIn(status: SessionStatus): Promise<string> {
    const { id } = await create();
    const path: SessionStatus[] = [];
    for (let s: SessionStatus = "queued"; s !== status; ) {
      s = SESSION_STATES[s].next.find((to) => to === status) ?? SESSION_STATES[s].next[0]!;
      path.push(s);
    }
    for (const s of path) {
      const moved = await store.transition(id, { status: s, workerId: "w" }, holdsLease(s) ? { lease } : {});
      expect(moved.ok, `queued → ${path.join(" → ")}`).toBe(true);
    }
    return id;
  }

  it("keeps final states final", async () => {
    const { id } = await create();
    expect((await store.transition(id, { status: "cancelled" })).ok).toBe(true);
    expect(await store.transition(id, { status: "completed" })).toEqual({
      ok: false,
      reason: "final",
      status: "cancelled",
    });
    expect(await store.transition(id, { liveViewUrl: "https://x.test/view" })).toEqual({
      ok: false,
      reason: "final",
      status: "cancelled",
    });
    expect((await store.get(id))?.status).toBe("cancelled");
    expect(await store.transition("nope", { status: "starting" }, { lease })).toEqual({ ok: false, reason: "missing" });
  });

  it("allows exactly the moves of the state table, whatever the caller asks", async () => {
    for (const from of SESSION_STATUSES) {
      for (const to of SESSION_STATUSES) {
        const id = await sessionIn(from);
        const result = await store.transition(id, { status: to }, { lease });
        const expected = isFinal(from)
          ? { ok: false, reason: "final", status: from }
          : canMove(from, to)
            ? { ok: true }
            : { ok: false, reason: "conflict", status: from };
        expect(result, `${from} → ${to}`).toMatchObject(expected);
        expect((await store.get(id))?.status, `${from} → ${to}`).toBe(result.ok ? to : from);
      }
    }
  });

  it("a second worker cannot start a session already started", async () => {
    const { id } = await create();
    expect((await store.transition(id, { status: "starting", workerId: "a" }, { lease })).ok).toBe(true);
    expect(await store.transition(id, { status: "starting", workerId: "b" }, { lease })).toEqual({
      ok: false,
      reason: "conflict",
      status: "starting",
    });
    expect((await store.get(id))?.workerId).toBe("a");
  });

  it("requestComplete is accepted only where the table says so, and wakes the session's waiters", async () => {
    const bus = await createSessionWakeups(redis.duplicate(), store.wakeupChannel);
    // Events arrive in publish order: once our own marker is back, every earlier event for the id has been seen.
    const drain = async (id: string, seen: SessionWakeup[]) => {
      const marker = `marker-${++n}`;
      await redis.publish(store.wakeupChannel, JSON.stringify({ id, status: marker }));
      await waitFor(() => seen.some((e) => (e.status as string) === marker), { what: "marker event" });
      return seen.splice(0).filter((e) => !(e.status as string).startsWith("marker-"));
    };
    try {
      for (const status of SESSION_STATUSES) {
        const id = await sessionIn(status);
        const seen: SessionWakeup[] = [];
        const off = bus.subscribe(id, (e) => seen.push(e));
        await drain(id, seen);
        const result = await store.requestComplete(id);
        const accepted = SESSION_STATES[status].acceptsComplete === true;
        expect(result.ok, status).toBe(accepted);
        if (!accepted) expect(result).toEqual({ ok: false, reason: isFinal(status) ? "final" : "conflict", status });
        expect((await store.get(id))?.completeRequested, status).toBe(accepted ? true : undefined);
        expect(await drain(id, seen), status).toEqual(accepted ? [{ id, status }] : []);
        off();
      }
      expect(await store.requestComplete("nope")).toEqual({ ok: false, reason: "missing" });
    } finally {
      await bus.close();
    }
  });

  it("client metadata comes back exactly as sent after status changes (no Lua JSON round trip)", async () => {
    const metadata = { big: 9007199254740991, small: 0.1, text: "é/\u2028", nothing: null, flag: false };
    const { id } = await create(60_000, metadata);
    await store.transition(id, { status: "starting", workerId: "w" }, { lease });
    await store.renewLease(id, "w", 60_000);
    await store.transition(id, { status: "failed", error: { code: "x", message: "y" } });
    const stored = await store.get(id);
    expect(stored?.metadata).toEqual(metadata);
    expect(stored?.metadata.big).toBe(9007199254740991);
    expect(Object.keys(stored?.timeline ?? {}).sort()).toEqual(["failed", "starting"]);
  });

  it("a renewed lease keeps a held session alive; a lapsed one ends it as worker_lost", async () => {
    const kept = await create();
    const lost = await create();
    const other = await create();
    await store.transition(kept.id, { status: "starting", workerId: "w" }, { lease: { workerId: "w", ms: 1_000 } });
    await store.transition(lost.id, { status: "starting", workerId: "w" }, { lease: { workerId: "w", ms: 1_000 } });
    await store.transition(other.id, { status: "starting", workerId: "w" }, { lease: { workerId: "w", ms: 1_000 } });
    expect((await store.renewLease(kept.id, "w", 10_000))?.status).toBe("starting");
    // Another worker's renewal does not keep a session alive.
    expect((await store.renewLease(other.id, "someone-else", 10_000))?.status).toBe("starting");
    // Two seconds from now, leases of one second have lapsed; the renewed one has not.
    const reaped = await store.reap(Date.now() + 2_000);
    expect(reaped).toMatchObject({ ended: 2, scanned: 2 });
    expect(reaped.endings).toEqual(
      [lost, other].map(() => ({ providerId: "p", status: "failed", code: "worker_lost" })),
    );
    expect((await store.get(kept.id))?.status).toBe("starting");
    for (const { id } of [lost, other]) {
      const ended = await store.get(id);
      expect(ended?.status).toBe("failed");
      expect(ended?.error?.code).toBe("worker_lost");
    }
  });

  it("expires queued sessions nobody picked up, past a record an older version left", async () => {
    await redis.set("blc:session:old", JSON.stringify({ status: "queued" }));
    await redis.zadd("blc:sessions:active", Date.now() - 10_000, "old");
    const { id } = await create(-1);
    expect((await store.reap()).ended).toBeGreaterThanOrEqual(1);
    expect((await store.get(id))?.status).toBe("expired");
    expect((await store.get(id))?.error?.code).toBe("timeout");
  });

  it("reaps among 10,000 live sessions by reading only the due ones", async () => {
    const prefix = `big${Date.now()}`;
    const big = createSessionStore(redis, { prefix, retentionSeconds: 60, expiryGraceMs: 0 });
    const now = Date.now();
    const records = Array.from({ length: 10_000 }, () => newRecord());
    await Promise.all(records.map((r) => big.create(r, now + 600_000))); // one round trip each, pipelined on one connection
    const overdue = Array.from({ length: 3 }, () => newRecord(-1_000));
    await Promise.all(overdue.map((r) => big.create(r, now - 1_000)));
    const held = records.slice(0, 4);
    for (const r of held)
      await big.transition(r.id, { status: "starting", workerId: "w" }, { lease: { workerId: "w", ms: 1_000 } });
    await big.renewLease(held[0]!.id, "w", 60_000);
    const lapsed = held.slice(1);

    await redis.config("RESETSTAT");
    const result = await big.reap(Date.now() + 5_000); // leases of one second have lapsed by then
    const stats = await redis.info("commandstats");
    const calls = (command: string) => Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);

    expect(result).toMatchObject({ ended: 6, scanned: 6 });
    expect(result.endings.map((e) => `${e.status}/${e.code}`).sort()).toEqual([
      ...Array(3).fill("expired/timeout"),
      ...Array(3).fill("failed/worker_lost"),
    ]);
    // What Redis did: one script, two index ranges, and a few reads and writes per due session.
    expect(calls("evalsha") + calls("eval")).toBe(1);
    expect(calls("zrangebyscore")).toBe(2);
    // Each ended session's event (src/events) reads its routing field and a snapshot of its own record;
    // its provider id is read for the metrics, its holds to release them.
    expect(calls("hget")).toBeLessThanOrEqual(6 * 5);
    expect(calls("hgetall")).toBe(6);
    expect(calls("xadd")).toBe(6 * 3);
    // Releasing its holds reads the head of its subject's fair queue (ZRANGE 0 0: O(log n)), nothing more.
    expect(calls("zrange")).toBeLessThanOrEqual(6);
    expect(calls("scan") + calls("keys")).toBe(0);
    for (const r of overdue) expect((await big.get(r.id))?.status).toBe("expired");
    for (const r of lapsed) expect((await big.get(r.id))?.error?.code).toBe("worker_lost");
    expect((await big.get(held[0]!.id))?.status).toBe("starting");
    expect((await big.get(records[9_999]!.id))?.status).toBe("queued");
    expect(await redis.zcard(`${prefix}:sessions:active`)).toBe(10_000 - 3);
  });
});
