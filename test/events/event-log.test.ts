import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionRecord } from "../../src/browser-login/sessions/session-record.ts";
import { createSessionStore, type SessionStore } from "../../src/browser-login/sessions/session-store.ts";
import { type EmbeddedRedis, startEmbeddedRedis } from "../../src/core/redis/embedded-redis.ts";
import { createEventLog, type EventLog } from "../../src/events/event-log.ts";
import { freePort } from "../helpers/free-port.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** What a fresh credential's metadata says besides its own facts. */
const FRESH = { kind: "browser_login", status: "active", version: 1, revision: 0 } as const;

describe("event log (Redis streams written by the session commands)", () => {
  let server: EmbeddedRedis;
  let redis: Redis;
  let store: SessionStore;
  let log: EventLog;
  let n = 0;
  const owner = { userId: "u-1", orgId: "org 1" };

  beforeAll(async () => {
    server = await startEmbeddedRedis({ port: await freePort(), dir: mkdtempSync(join(tmpdir(), "blc-ev-")) });
    redis = new Redis(server.url);
    store = createSessionStore(redis, { prefix: "t", retentionSeconds: 60, expiryGraceMs: 0 });
    log = createEventLog(redis, { prefix: "t", retentionMs: 86_400_000 });
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  async function create(expiresInMs = 60_000): Promise<SessionRecord> {
    const now = new Date().toISOString();
    const record: SessionRecord = {
      id: `ls_${String(++n).padStart(32, "0")}`,
      owner,
      providerId: "p",
      loginUrl: "https://x.test/login?token=client-secret",
      status: "queued",
      liveViewUrl: null,
      createdAt: now,
      updatedAt: now,
      expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
      timeline: { queued: now },
      metadata: { n: 1.5 },
    };
    await store.create(record, Date.now() + expiresInMs);
    return record;
  }
  const types = async (stream: string) => (await log.after(stream, "0")).map((e) => e.type);

  it("logs each change once, under one id in the stream of all, the owner's and the session's", async () => {
    const record = await create();
    const lease = { workerId: "w", ms: 60_000 };
    await store.transition(record.id, { status: "starting", workerId: "w" }, { lease });
    await store.transition(record.id, { status: "awaiting_login", liveViewUrl: "https://view.test/1" }, { lease });
    await store.transition(record.id, { liveViewUrl: "https://view.test/1" }); // the same URL: no event
    await store.transition(record.id, { lastBlockedRequest: { at: "x", host: "h", reason: "r", count: 1 } }); // not an event
    await store.transition(record.id, { liveViewUrl: "https://view.test/2" });
    await store.transition(record.id, { lastLoginRejection: { at: "x", count: 1 } });
    await store.transition(record.id, { status: "cancelled", error: { code: "cancelled", message: "c" } });
    await store.transition(record.id, { status: "failed" }); // refused: final states stick, and log nothing

    const expected = [
      "session.queued",
      "session.starting",
      "session.awaiting_login",
      "session.live_view_changed",
      "session.login_rejected",
      "session.cancelled",
    ];
    const ofSession = await log.after(log.keys.ofSession(record.id), "0");
    expect(ofSession.map((e) => e.type)).toEqual(expected);
    const ofOwner = await log.after(log.keys.ofOwner(owner), "0");
    const all = await log.after(log.keys.all, "0");
    expect(ofOwner.map((e) => e.id)).toEqual(ofSession.map((e) => e.id));
    expect(all.filter((e) => e.sessionId === record.id).map((e) => e.id)).toEqual(ofSession.map((e) => e.id));

    // Each event carries the session as it was then, without the login URL, the owner or the worker, and
    // without a live view link (a remote browser's is a remote-control link that must not outlive a revoke).
    expect(ofSession[3]!.data).toMatchObject({
      sessionId: record.id,
      status: "awaiting_login",
      liveViewUrl: null,
      metadata: { n: 1.5 },
    });
    expect(JSON.stringify(all)).not.toContain("view.test");
    expect(ofSession[4]!.data).toMatchObject({ lastLoginRejection: { count: 1 } });
    expect(ofSession[5]!.data).toMatchObject({ status: "cancelled", error: { code: "cancelled" } });
    const raw = JSON.stringify(await redis.xrange(log.keys.ofSession(record.id), "-", "+"));
    expect(raw).not.toContain("client-secret");
    expect(raw).not.toContain('"w"');
    // The session's stream goes when the session record does.
    const ttls = (
      (await redis.multi().pttl(log.keys.ofSession(record.id)).pttl(`t:session:${record.id}`).exec()) ?? []
    ).map(([, ms]) => ms as number);
    expect(ttls[0]).toBeGreaterThan(0);
    expect(Math.abs(ttls[0]! - ttls[1]!)).toBeLessThanOrEqual(5); // Redis rounds each expiry to the millisecond
  });

  it("logs what the reaper ends, and credential events in the owner's stream", async () => {
    const record = await create(-1_000);
    await store.reap(Date.now());
    expect(await types(log.keys.ofSession(record.id))).toEqual(["session.queued", "session.expired"]);
    const metadata = {
      id: "cred_1",
      providerId: "p",
      sessionId: record.id,
      createdAt: "now",
      origins: ["https://x.test"],
      cookieCount: 2,
      earliestExpiry: null,
      keyId: "k1",
      ...FRESH,
    };
    await log.appendCredentialEvent("credential.created", owner, metadata);
    const last = (await log.after(log.keys.ofOwner(owner), "0")).at(-1)!;
    expect(last).toMatchObject({
      type: "credential.created",
      credentialId: "cred_1",
      data: { id: "cred_1", cookieCount: 2 },
    });
    expect(last.data).not.toHaveProperty("keyId");
  });

  it("keeps only the retention window, and says when a reader's last id is older than it", async () => {
    const short = createSessionStore(redis, { prefix: "r", retentionSeconds: 60, eventRetentionMs: 200 });
    const shortLog = createEventLog(redis, { prefix: "r", retentionMs: 200 });
    const first = await shortLog.appendCredentialEvent("credential.deleted", owner, {
      id: "cred_0",
      providerId: "p",
      sessionId: "s",
      createdAt: "",
      origins: [],
      cookieCount: 0,
      earliestExpiry: null,
      keyId: "k",
      ...FRESH,
    });
    // Events keep coming; the first leaves every stream once it is older than the window.
    await waitFor(
      async () => {
        const now = new Date().toISOString();
        const record = {
          id: `ls_${String(++n).padStart(32, "0")}`,
          owner,
          providerId: "p",
          loginUrl: "u",
          status: "queued" as const,
          liveViewUrl: null,
          createdAt: now,
          updatedAt: now,
          expiresAt: now,
          timeline: {},
          metadata: {},
        };
        await short.create(record, Date.now() + 60_000);
        const kept = await redis.xrange(shortLog.keys.ofOwner(owner), "-", "+");
        return (
          kept.length > 0 && kept[0]![0] !== first && (await redis.xrange(shortLog.keys.all, first, first)).length === 0
        );
      },
      { what: "the first event to age out", intervalMs: 50 },
    );
    expect(await shortLog.beyondRetention(first, shortLog.keys.all)).toBe(true);
    const newest = (await redis.xrevrange(shortLog.keys.all, "+", "-", "COUNT", 1))[0]![0];
    expect(await shortLog.beyondRetention(newest, shortLog.keys.all)).toBe(false);
  });

  it("caps each stream's length when told to, and a reader whose next events were trimmed is told so within the window", async () => {
    const capped = createEventLog(redis, { prefix: "m", retentionMs: 86_400_000, maxLen: 10 });
    const metadata = {
      id: "cred_m",
      providerId: "p",
      sessionId: "s",
      createdAt: "",
      origins: [],
      cookieCount: 0,
      earliestExpiry: null,
      keyId: "k",
      ...FRESH,
    };
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) ids.push(await capped.appendCredentialEvent("credential.created", owner, metadata));
    // Trimmed in whole stream nodes (MAXLEN ~): far fewer than 300 kept, at least the 10 asked for.
    const kept = await redis.xlen(capped.keys.ofOwner(owner));
    expect(kept).toBeGreaterThanOrEqual(10);
    expect(kept).toBeLessThan(300);
    expect(await capped.beyondRetention(ids[0]!, capped.keys.ofOwner(owner))).toBe(true);
    expect(await capped.beyondRetention(ids.at(-2)!, capped.keys.ofOwner(owner))).toBe(false);
  });
});
