import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedRedis, type EmbeddedRedis } from "../../src/redis/embedded-redis.js";
import type { SessionRecord } from "../../src/sessions/session-record.js";
import { createSessionStore, type SessionStore } from "../../src/sessions/session-store.js";
import { freePort } from "../helpers/free-port.js";

describe("session store (Redis, Lua transitions)", () => {
  let server: EmbeddedRedis;
  let redis: Redis;
  let store: SessionStore;
  let n = 0;

  beforeAll(async () => {
    server = await startEmbeddedRedis({ port: await freePort(), dir: mkdtempSync(join(tmpdir(), "blc-ss-")) });
    redis = new Redis(server.url);
    store = createSessionStore(redis, { retentionSeconds: 60, expiryGraceMs: 0 });
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  async function create(expiresInMs = 60_000): Promise<SessionRecord> {
    const now = new Date().toISOString();
    const record: SessionRecord = {
      id: `s${++n}`, owner: { userId: "u" }, providerId: "p", loginUrl: "https://x.test/login", status: "queued", liveViewUrl: null,
      createdAt: now, updatedAt: now, expiresAt: new Date(Date.now() + expiresInMs).toISOString(), timeline: {}, metadata: { a: 1 },
    };
    await store.create(record, Date.now() + expiresInMs);
    return record;
  }

  it("keeps final states final", async () => {
    const { id } = await create();
    expect((await store.transition(id, { status: "cancelled" })).ok).toBe(true);
    expect(await store.transition(id, { status: "completed" })).toEqual({ ok: false, reason: "final", status: "cancelled" });
    expect((await store.get(id))?.status).toBe("cancelled");
  });

  it("moves only from the statuses it is told", async () => {
    const { id } = await create();
    expect(await store.transition(id, { status: "capturing" }, { from: ["authenticated"] })).toEqual({ ok: false, reason: "conflict", status: "queued" });
    expect(await store.transition("nope", { status: "starting" })).toEqual({ ok: false, reason: "missing" });
  });

  it("a renewed lease keeps a held session alive; a lapsed one ends it as worker_lost", async () => {
    const kept = await create();
    const lost = await create();
    await store.transition(kept.id, { status: "starting" }, { lease: { workerId: "w", ms: 150 } });
    await store.transition(lost.id, { status: "starting" }, { lease: { workerId: "w", ms: 150 } });
    for (let i = 0; i < 4; i++) {
      expect((await store.renewLease(kept.id, "w", 150))?.status).toBe("starting");
      await new Promise((resolve) => setTimeout(resolve, 60)); // lease arithmetic needs real time to pass
    }
    await store.reap();
    expect((await store.get(kept.id))?.status).toBe("starting");
    expect((await store.get(lost.id))?.error?.code).toBe("worker_lost");
  });

  it("expires queued sessions nobody picked up", async () => {
    const { id } = await create(-1);
    expect(await store.reap()).toBeGreaterThanOrEqual(1);
    expect((await store.get(id))?.status).toBe("expired");
  });
});
