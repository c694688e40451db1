import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserAdapter } from "../../src/browser/browser-adapter.ts";
import { createLocalPlaywrightAdapter } from "../../src/browser/local-playwright/local-playwright-adapter.ts";
import type { SessionRecord } from "../../src/browser-login/sessions/session-record.ts";
import { createSessionStore, type SessionStore } from "../../src/browser-login/sessions/session-store.ts";
import { createSessionWakeups, type SessionWakeups } from "../../src/browser-login/sessions/wakeups.ts";
import { runLoginSession } from "../../src/browser-login/worker/login-session-runner.ts";
import { type EmbeddedRedis, startEmbeddedRedis } from "../../src/core/redis/embedded-redis.ts";
import { type CredentialVault, createCredentialVault } from "../../src/credentials/credential-vault.ts";
import { createRedisCredentialStore } from "../../src/credentials/store/redis/redis-credential-store.ts";
import { createEnvelopeCipher } from "../../src/crypto/envelope-cipher.ts";
import { createKeyRing } from "../../src/crypto/key-ring.ts";
import { parseKeyRing } from "../../src/crypto/key-source.ts";
import { connectScriptedUser, type ScriptedUser } from "../../src/demo/scripted-user.ts";
import { createProviderRegistry } from "../../src/providers/provider-registry.ts";
import { type FixtureSite, startFixtureSite } from "../fixtures/fixture-site.ts";
import { freePort } from "../helpers/free-port.ts";
import { trackServiceTimers } from "../helpers/live-timers.ts";
import { memoryLog } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * A run stopped at any step (cancelled by the client, or out of time) ends in a final state with
 * its reason and leaves nothing behind: no browser session, no event subscription, no timer.
 * Real Redis, real Chromium, the fixture site; pages that hold still on request put the run at
 * the step under test.
 */
const owner = { userId: "user-1" };
const LEASE_MS = 3_000;

let dataDir: string;
let site: FixtureSite;
let redis: EmbeddedRedis;
let connections: Redis[] = [];
let sessions: SessionStore;
let bus: SessionWakeups & { subscriptions(): number };
let adapter: BrowserAdapter;
let vault: CredentialVault;
let user: ScriptedUser;
let log: ReturnType<typeof memoryLog>;
// The runner's lease and expiry timers, the watcher's poll and settle timers, the adapter's backstop.
const timers = trackServiceTimers();
const providers = () =>
  createProviderRegistry([
    { id: "storage", name: "Storage login", loginUrl: site.loginUrl, success: { storage: { key: "demo.profile" } } },
    {
      id: "on-complete",
      name: "Capture on complete",
      loginUrl: site.loginUrl,
      success: { storage: { key: "demo.profile" } },
      captureOn: "complete",
    },
  ]);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "blc-runner-"));
  site = await startFixtureSite();
  redis = await startEmbeddedRedis({ port: await freePort(), dir: join(dataDir, "redis") });
  const commands = new Redis(redis.url, { maxRetriesPerRequest: null });
  const subscriber = new Redis(redis.url, { maxRetriesPerRequest: null });
  connections = [commands, subscriber];
  sessions = createSessionStore(commands, { retentionSeconds: 600 });
  bus = countSubscriptions(await createSessionWakeups(subscriber, sessions.wakeupChannel));
  vault = createCredentialVault(
    createRedisCredentialStore(commands),
    createEnvelopeCipher(createKeyRing(parseKeyRing(`t1:${randomBytes(32).toString("base64")}`))),
  );
  const debugPort = await freePort();
  adapter = createLocalPlaywrightAdapter({ headless: true, remoteDebuggingPort: debugPort });
  await adapter.warmUp();
  user = await connectScriptedUser(`http://127.0.0.1:${debugPort}`);
  log = memoryLog();
});

afterAll(async () => {
  timers.stop();
  await user?.disconnect();
  await adapter?.close();
  await bus?.close();
  for (const c of connections) c.disconnect();
  await redis?.stop();
  await site?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Counts live subscriptions of the real bus, so that a test sees one left behind. */
function countSubscriptions(real: SessionWakeups): SessionWakeups & { subscriptions(): number } {
  let live = 0;
  return {
    subscribe(id, listener) {
      const unsubscribe = real.subscribe(id, listener);
      live += 1;
      let once = false;
      return () => {
        if (!once) live -= 1;
        once = true;
        unsubscribe();
      };
    },
    close: () => real.close(),
    subscriptions: () => live,
  };
}

async function start(
  providerId: string,
  path: string,
  { ttlMs = 60_000, loginUrl }: { ttlMs?: number; loginUrl?: string } = {},
) {
  const tag = randomUUID();
  const id = `ls_${tag.replaceAll("-", "")}`;
  const now = Date.now();
  const record: SessionRecord = {
    id,
    owner,
    providerId,
    loginUrl: loginUrl ?? `${site.appOrigin}${path}?tag=${tag}`,
    status: "queued",
    liveViewUrl: null,
    createdAt: new Date(now).toISOString(),
    updatedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ttlMs).toISOString(),
    timeline: { queued: new Date(now).toISOString() },
    metadata: {},
    // A client's URL (tagged), with the rules the API would have stored: the fixture's hosts, private addresses allowed.
    loginUrlPolicy: { allowedHosts: ["localhost", "127.0.0.1"], allowPrivateAddresses: true, privateAllowedFor: [] },
  };
  await sessions.create(record, now + ttlMs);
  const timersLeft = timers.mark();
  const run = runLoginSession(id, {
    sessions,
    wakeups: bus,
    adapter,
    providers: providers(),
    vault,
    logger: log.logger,
    workerId: "worker-test",
    leaseMs: LEASE_MS,
  });
  return { id, tag, run, timersLeft, expiresAtMs: now + ttlMs };
}

type Started = Awaited<ReturnType<typeof start>>;

const cancel = (id: string) =>
  sessions.transition(id, { status: "cancelled", error: { code: "cancelled", message: "Cancelled by the client" } });
const statusOf = async (id: string) => (await sessions.get(id))?.status;

/** The run is over: final state and reason as expected, and nothing it opened is still there. */
async function expectCleanEnd({ id, run, timersLeft }: Started, expected: { status: string; code: string }) {
  expect(await run.done).toBe(expected.status);
  const record = await sessions.get(id);
  expect({ status: record?.status, code: record?.error?.code }).toEqual(expected);
  expect(adapter.openSessions()).toBe(0);
  expect(bus.subscriptions()).toBe(0);
  await waitFor(() => timersLeft().length === 0, { what: "no live timer", timeoutMs: 2_000 }).catch(() => {
    expect(timersLeft()).toEqual([]);
  });
}

describe("a run stopped at any step leaves no browser session, subscription or timer", () => {
  it("(for comparison) a login that completes leaves nothing behind either", async () => {
    const started = await start("storage", "/login");
    await user.logIn(await user.findPage((u) => u.includes(started.tag), 15_000));
    expect(await started.run.done).toBe("completed");
    expect((await sessions.get(started.id))?.credentialId).toMatch(/^cred_/);
    expect(adapter.openSessions()).toBe(0);
    expect(bus.subscriptions()).toBe(0);
    await waitFor(() => started.timersLeft().length === 0, { what: "no live timer", timeoutMs: 2_000 });
  });

  it("cancelled as it moves from queued to starting", async () => {
    const started = await start("storage", "/login");
    const { id } = started;
    await cancel(id);
    await expectCleanEnd(started, { status: "cancelled", code: "cancelled" });
  });

  it("cancelled while the login page is still loading", async () => {
    const started = await start("storage", "/slow-login");
    const { id, tag } = started;
    await waitFor(() => site.holding(tag) > 0, { what: "the slow page to be loading" });
    const cancelledAt = Date.now();
    await cancel(id);
    await expectCleanEnd(started, { status: "cancelled", code: "cancelled" });
    // Ended by the cancel, not by the page giving up at the navigation timeout.
    expect(Date.now() - cancelledAt).toBeLessThan(5_000);
    await waitFor(() => site.holding(tag) === 0, { what: "the slow page's request to be dropped" });
  });

  it("out of time while the login page is still loading", async () => {
    const started = await start("storage", "/slow-login", { ttlMs: 3_000 });
    const { tag } = started;
    await waitFor(() => site.holding(tag) > 0, { what: "the slow page to be loading" });
    await expectCleanEnd(started, { status: "expired", code: "timeout" });
    expect(Date.now() - started.expiresAtMs).toBeLessThan(5_000);
  });

  it("cancelled while the success watcher takes its baseline", async () => {
    // The frozen page loads, then blocks its main thread: reading its storage for the baseline waits.
    const started = await start("storage", "/frozen-login");
    const { id, tag } = started;
    await waitFor(() => site.holding(tag) > 0, { what: "the page to freeze" });
    expect(await statusOf(id)).toBe("starting");
    await cancel(id);
    await expectCleanEnd(started, { status: "cancelled", code: "cancelled" });
  });

  it("cancelled while awaiting the login", async () => {
    const started = await start("storage", "/login");
    const { id } = started;
    await waitFor(async () => (await statusOf(id)) === "awaiting_login", { what: "awaiting_login", timeoutMs: 15_000 });
    await cancel(id);
    await expectCleanEnd(started, { status: "cancelled", code: "cancelled" });
  });

  it("out of time once authenticated, waiting for the app to ask for the capture", async () => {
    const started = await start("on-complete", "/login", { ttlMs: 10_000 });
    const { id, tag } = started;
    await user.logIn(await user.findPage((u) => u.includes(tag), 15_000));
    await waitFor(async () => (await statusOf(id)) === "authenticated", { what: "authenticated", timeoutMs: 10_000 });
    await expectCleanEnd(started, { status: "expired", code: "timeout" });
  });

  it("cancelled while capturing: nothing is kept", async () => {
    const started = await start("on-complete", "/login");
    const { id, tag } = started;
    // The tab the user logs in on goes on to the dashboard.
    const dashboard = await user.findPage((u) => u.includes(tag), 15_000);
    await user.logIn(dashboard);
    await waitFor(async () => (await statusOf(id)) === "authenticated", { what: "authenticated", timeoutMs: 15_000 });
    // Freeze the dashboard, then ask for the capture: it waits on the page, and the run sits in capturing.
    const holdKey = `capture-${tag}`;
    // Issued again if the page was still settling and dropped it; it returns only when the context closes.
    let freezing: Promise<unknown> | undefined;
    const freeze = (key: string) => {
      const request = new XMLHttpRequest();
      request.open("GET", `/held/${key}`, false);
      request.send();
    };
    await waitFor(
      () => {
        if (site.holding(holdKey) > 0) return true;
        freezing ??= dashboard.evaluate(freeze, holdKey).catch(() => (freezing = undefined));
        return false;
      },
      { what: "the dashboard to freeze" },
    );
    await sessions.transition(id, { completeRequested: true });
    await waitFor(async () => (await statusOf(id)) === "capturing", { what: "capturing" });
    await cancel(id);
    await expectCleanEnd(started, { status: "cancelled", code: "cancelled" });
    expect((await vault.list(owner)).filter((c) => c.sessionId === id)).toEqual([]);
  });
});

describe("a login page that fails to load", () => {
  it("ends the session with an error that does not quote the URL's query or fragment, in the record or the logs", async () => {
    const closedPort = await freePort();
    const loginUrl = `http://localhost:${closedPort}/login?token=SECRET-query-token#access_token=SECRET-fragment-token`;
    const started = await start("storage", "/login", { loginUrl });
    const { id } = started;
    expect(await started.run.done).toBe("failed");
    const record = await sessions.get(id);
    expect(record?.error?.code).toBe("login_page_unreachable");
    expect(record?.error?.message).toContain(`localhost:${closedPort}/login`);
    expect(record?.error?.message).not.toContain("SECRET");
    expect(log.text()).not.toContain("SECRET");
  });
});
