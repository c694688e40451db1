import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_LOCKED_USER, DEMO_USER } from "../../src/demo/demo-site.ts";
import { connectScriptedUser, type ScriptedUser } from "../../src/demo/scripted-user.ts";
import type {
  BrowserbaseEmulator,
  EmulatedSession,
  FailureMode,
} from "../browserbase-emulator/browserbase-emulator.ts";
import { type EmulatorInEnv, startEmulatorInEnv } from "../browserbase-emulator/emulator-in-env.ts";
import { leftoverChromiums } from "../browserbase-emulator/leftover-processes.ts";
import { fixtureTotpUri } from "../fixtures/fixture-site.ts";
import { captureOutput } from "../helpers/capture-output.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** Distinctive, so that a leak is found wherever it ends up (the emulator echoes it in its 401). */
const API_KEY = `bb_live_flowkey_${randomUUID().replaceAll("-", "")}`;

/**
 * The whole login flow through the HTTP API with BROWSER_ADAPTER=browserbase, against the emulated
 * control plane: every session is a local Chromium the emulator starts, and the scripted user
 * attaches to that Chromium's own DevTools endpoint as the person in the live view would.
 *
 * The tests share one stack and run in order: the worker-shutdown test stops the worker, so it comes
 * after every test that needs one, and the secrets check comes last, when everything has been logged.
 */
describe("login flow on Browserbase (emulated control plane, through the HTTP API)", () => {
  let emulator: BrowserbaseEmulator;
  let inEnv: EmulatorInEnv;
  let stack: TestStack;
  const output = captureOutput();
  const users: ScriptedUser[] = [];

  beforeAll(async () => {
    output.start();
    // Slow creation answers after the 4 s session timeout of demo-short, well inside the test.
    inEnv = await startEmulatorInEnv({ apiKey: API_KEY, slowCreateMs: 6_000 });
    emulator = inEnv.emulator;
    stack = await startTestStack({
      scriptedUser: false,
      env: { BROWSER_ADAPTER: "browserbase", BROWSERBASE_API_KEY: API_KEY, BROWSERBASE_PROJECT_ID: emulator.projectId },
      // The demo's code step and locked account (docs/second-factors.md), read and typed through Stagehand's DevTools.
      providerOverrides: () => ({
        demo: {
          totp: {
            when: { all: [{ url: { pathname: "/login/code" } }, { element: "#code" }] },
            field: "#code",
            rejected: { url: { pathname: "/login/code", search: "error=*" } },
          },
          blocked: [{ code: "account_locked", when: { text: "This account is locked" } }],
        },
      }),
    });
  });

  let sessionsBefore = new Set<string>();
  beforeEach(() => {
    sessionsBefore = new Set(emulator.sessions().map((s) => s.id));
  });

  afterEach(async () => {
    await Promise.all(users.splice(0).map((u) => u.disconnect()));
    emulator.setFailureMode("none");
    const made = () => emulator.sessions().filter((s) => !sessionsBefore.has(s.id));
    try {
      // Every session the emulator made in this test was released by the worker, and no emulated browser runs on.
      await waitFor(() => made().every((s) => releasedIds().includes(s.id)), {
        timeoutMs: 5_000,
        what: "release of every session of the test",
      });
      await waitFor(() => made().every((s) => s.status !== "RUNNING"), {
        timeoutMs: 5_000,
        what: "no running session",
      });
      await waitFor(async () => (await leftoverChromiums(emulator.profilePrefix)).length === 0, {
        timeoutMs: 5_000,
        what: "no emulated Chromium left",
      });
    } finally {
      // A leak fails this test only: what it left running is stopped before the next one.
      await Promise.all(
        emulator
          .sessions()
          .filter((s) => s.status === "RUNNING")
          .map((s) => emulator.dropConnection(s.id)),
      );
    }
  });

  afterAll(async () => {
    output.stop();
    try {
      await Promise.all(users.splice(0).map((u) => u.disconnect()));
      await stack?.close();
    } finally {
      await inEnv?.close();
    }
    if (emulator) expect(await leftoverChromiums(emulator.profilePrefix)).toEqual([]);
  });

  /** Browserbase session ids the emulator was asked to release (REQUEST_RELEASE). */
  const releasedIds = () =>
    emulator.calls
      .filter(
        (c) =>
          c.method === "POST" &&
          /^\/v1\/sessions\/[^/]+$/.test(c.path) &&
          (c.body as { status?: string })?.status === "REQUEST_RELEASE",
      )
      .map((c) => c.path.split("/").at(-1)!);

  const waitForRelease = (browserbaseSessionId: string) =>
    waitFor(() => releasedIds().includes(browserbaseSessionId), {
      what: `release of Browserbase session ${browserbaseSessionId}`,
    });

  async function pageTargets(remote: EmulatedSession): Promise<Array<{ id: string; type: string; url: string }>> {
    const targets = (await (await fetch(`${remote.cdpHttpEndpoint}/json/list`)).json()) as Array<{
      id: string;
      type: string;
      url: string;
    }>;
    return targets.filter((t) => t.type === "page");
  }

  /** The emulated Browserbase session whose browser shows the tagged login page (and the tab showing it). */
  async function remoteShowing(tag: string): Promise<{ remote: EmulatedSession; tabId: string }> {
    return waitFor(
      async () => {
        for (const remote of emulator.sessions().filter((s) => s.status === "RUNNING")) {
          const tab = (await pageTargets(remote).catch(() => [])).find((t) => t.url.includes(tag));
          if (tab) return { remote, tabId: tab.id };
        }
        return undefined;
      },
      { what: `an emulated browser showing ${tag}` },
    );
  }

  /** Attaches the person at the keyboard to the session's own Chromium, on the tagged page. */
  async function attach(
    sessionId: string,
    tag: string,
  ): Promise<{ remote: EmulatedSession; tabId: string; user: ScriptedUser; page: Page }> {
    const { remote, tabId } = await remoteShowing(tag);
    // The adapter labels the Browserbase session with ours, so it can be found from the dashboard.
    expect(remote.createParams.userMetadata).toEqual({ loginSessionId: sessionId });
    const user = await connectScriptedUser(remote.cdpHttpEndpoint);
    users.push(user);
    return { remote, tabId, user, page: await user.findPage((u) => u.includes(tag)) };
  }

  /** What Browserbase's debug endpoint offers for one tab, with the navbar hidden as the adapter embeds it. */
  async function expectedView(remote: EmulatedSession, tabId: string): Promise<string> {
    const res = await fetch(`${emulator.baseUrl}/v1/sessions/${remote.id}/debug`, {
      headers: { "x-bb-api-key": API_KEY },
    });
    const debug = (await res.json()) as {
      debuggerFullscreenUrl: string;
      pages: Array<{ id: string; debuggerFullscreenUrl: string }>;
    };
    const tab = debug.pages.find((p) => p.id === tabId);
    if (!tab) throw new Error(`tab ${tabId} is not listed by the debug endpoint`);
    return `${tab.debuggerFullscreenUrl}&navbar=false`;
  }

  const status = async (sessionId: string) => (await stack.api("GET", `/browser-login/${sessionId}`)).body;

  it("captures a login end to end: live view, HttpOnly and cross-origin state, then the session is released", async () => {
    const { tag, sessionId, started } = await startTagged(stack, "demo");
    expect(started.status).toBe("awaiting_login");
    const { remote, tabId, user, page } = await attach(sessionId, tag);
    expect(remote.createParams).toMatchObject({ projectId: emulator.projectId, timeout: 600 });
    // The live view is the session's own (first tab, where the login page is), without Browserbase's address bar.
    const firstView = await expectedView(remote, tabId);
    expect(tabId).toBe(remote.firstPageId);
    expect(started.liveViewUrl).toBe(firstView);
    expect(started.liveViewUrl).toMatch(/\/devtools-fullscreen\/inspector\.html\?.*&navbar=false$/);

    await user.logIn(page);
    const done = await waitForStatus(stack, sessionId, "completed", { timeoutMs: 20_000 });
    expect(done.credentialId).toMatch(/^cred_/);
    expect(done.suspect).toBeUndefined(); // the login page snapshot, taken on Browserbase too, saw the login's new state
    const order = Object.entries(done.timeline as Record<string, string>)
      .sort((a, b) => a[1].localeCompare(b[1]))
      .map(([s]) => s);
    expect(order).toEqual(["queued", "starting", "awaiting_login", "authenticated", "capturing", "completed"]);

    const { storageState } = (await stack.api("GET", `/credentials/${done.credentialId}/storage-state`)).body;
    const appHost = new URL(stack.site.appOrigin).hostname;
    const ssoHost = new URL(stack.site.ssoOrigin).hostname;
    const cookie = (name: string) => storageState.cookies.find((c: { name: string }) => c.name === name);
    expect(cookie("session")).toMatchObject({
      domain: appHost,
      httpOnly: true,
      value: expect.stringMatching(/^session-/),
    });
    expect(cookie("sso_session")).toMatchObject({
      domain: ssoHost,
      httpOnly: true,
      value: expect.stringMatching(/^sso-/),
    });
    const origin = (o: string) => storageState.origins.find((x: { origin: string }) => x.origin === o);
    expect(origin(stack.site.appOrigin).localStorage.map((i: { name: string }) => i.name)).toContain("demo.profile");
    // The SSO origin is no longer shown in any tab: read in a hidden tab.
    expect(origin(stack.site.ssoOrigin).localStorage.map((i: { name: string }) => i.name)).toEqual(["sso.device"]);

    await waitForRelease(remote.id);
    expect(emulator.session(remote.id)?.status).toBe("COMPLETED");
  });

  it("keeps Browserbase's live view (a remote-control link) out of events: SSE, webhooks and the event log see null", async () => {
    const { tag, sessionId, started } = await startTagged(stack, "demo");
    await attach(sessionId, tag);
    const link = started.liveViewUrl!;
    expect(link).toMatch(/devtools-fullscreen/);
    expect((await status(sessionId)).liveViewUrl).toBe(started.liveViewUrl);
    await stack.api("POST", `/browser-login/${sessionId}/cancel`);
    await waitForStatus(stack, sessionId, "cancelled");
    const events = await readSessionEvents(sessionId);
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(["session.awaiting_login", "session.cancelled"]));
    for (const e of events) expect(JSON.parse(e.data).liveViewUrl).toBeNull();
    // Nowhere in Redis but on the session record itself.
    const redisText = (await dumpRedis(stack.redis.url))
      .split("\n")
      .filter((line) => !line.includes(`:session:${sessionId} hash`));
    expect(redisText.filter((line) => line.includes(link)).map((line) => line.slice(0, 300))).toEqual([]);
  });

  /** The session's events, as its SSE stream replays them (it ends after the final status). */
  async function readSessionEvents(sessionId: string): Promise<{ event: string; data: string }[]> {
    const res = await fetch(`${stack.baseUrl}/browser-login/${sessionId}/events`, {
      headers: { authorization: `Bearer ${stack.apiKey}`, "x-subject-user-id": "user-1" },
    });
    const text = await res.text();
    return text
      .split("\n\n")
      .filter((block) => block.includes("data:"))
      .map((block) => ({
        event: /^event: ?(.*)$/m.exec(block)?.[1] ?? "",
        data: block
          .split("\n")
          .filter((l) => l.startsWith("data:"))
          .map((l) => l.slice(5).trim())
          .join("\n"),
      }));
  }

  it("moves the live view to the login popup while it is open, and back when it closes", async () => {
    const { tag, sessionId, started } = await startTagged(stack, "demo-popup");
    const { remote, tabId, user, page } = await attach(sessionId, tag);
    const firstView = await expectedView(remote, tabId);
    expect(started.liveViewUrl).toBe(firstView);

    const openPopup = async () => {
      const popupOpened = page.waitForEvent("popup");
      await page.locator("#open-login").click();
      const popup = await popupOpened;
      const popupTab = await waitFor(
        async () => (await pageTargets(remote)).find((t) => t.url.includes("popup=1") && t.id !== tabId),
        {
          what: "popup tab listed",
        },
      );
      const popupView = await expectedView(remote, popupTab.id);
      expect(popupView).not.toBe(firstView);
      const during = await waitFor(
        async () => {
          const s = await status(sessionId);
          return s.liveViewUrl === popupView && s;
        },
        { what: "live view on the popup" },
      );
      expect(during.status).toBe("awaiting_login");
      return popup;
    };

    const first = await openPopup();
    await first.close();
    await waitFor(async () => (await status(sessionId)).liveViewUrl === firstView, {
      what: "live view back on the first tab",
    });

    const second = await openPopup();
    await user.logIn(second);
    const done = await waitForStatus(stack, sessionId, "completed", { timeoutMs: 20_000 });
    const { storageState } = (await stack.api("GET", `/credentials/${done.credentialId}/storage-state`)).body;
    expect(storageState.cookies.map((c: { name: string }) => c.name)).toContain("session");
    await waitForRelease(remote.id);
  });

  it("types the code from the person's TOTP secret and ends a locked account's login, through Stagehand's DevTools", async () => {
    const codes = stack.site.codeAttempts();
    const tag = randomUUID();
    const started = await stack.api("POST", "/browser-login/start?wait=10000", {
      body: { providerId: "demo", loginUrl: `${stack.site.loginUrl}?tag=${tag}`, totpSecret: fixtureTotpUri() },
    });
    expect(started.status).toBe(202);
    const { page } = await attach(started.body.sessionId, tag);
    await page.locator("#username").fill("tess3");
    await page.locator("#password").fill(DEMO_USER.password);
    await page.locator("#submit").click();
    const done = await waitForStatus(stack, started.body.sessionId, "completed", { timeoutMs: 30_000 });
    expect(stack.site.codeAttempts() - codes).toBe(1);
    expect((await stack.api("GET", `/credentials/${done.credentialId}`)).body.secondFactor).toMatchObject({
      kind: "totp",
      lastUsedAt: expect.any(String),
    });

    const locked = await startTagged(stack, "demo");
    const { user, page: lockedPage } = await attach(locked.sessionId, locked.tag);
    await user.logIn(lockedPage, DEMO_LOCKED_USER);
    const failed = await waitForStatus(stack, locked.sessionId, ["failed", "completed", "expired"], {
      timeoutMs: 20_000,
    });
    expect(failed).toMatchObject({ status: "failed", error: { code: "account_locked" } });
  });

  it("cancel via the API: cancelled, and the Browserbase session is released", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo");
    const { remote } = await remoteShowing(tag);
    const res = await stack.api("POST", `/browser-login/${sessionId}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "cancelled", error: { code: "cancelled" } });
    await waitForRelease(remote.id);
    expect((await status(sessionId)).status).toBe("cancelled");
  });

  it("timeout: expired, and the Browserbase session is released", async () => {
    const { tag, sessionId, started } = await startTagged(stack, "demo-short");
    expect(started.status).toBe("awaiting_login");
    const { remote } = await remoteShowing(tag);
    // Browserbase's minimum session timeout is one minute; ours (4 s) is enforced by the worker.
    expect(remote.timeoutSeconds).toBe(60);
    const expired = await waitForStatus(stack, sessionId, "expired", { timeoutMs: 10_000 });
    expect(expired.error).toEqual({ code: "timeout", message: expect.stringContaining("not finished") });
    expect(expired.credentialId).toBeUndefined();
    await waitForRelease(remote.id);
  });

  it("a dropped DevTools connection: failed with browserbase_disconnected, and the session is released", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo");
    const { remote } = await remoteShowing(tag);
    const droppedAt = Date.now();
    await emulator.dropConnection(remote.id);
    const failed = await waitForStatus(stack, sessionId, "failed", { timeoutMs: 10_000 });
    expect(Date.now() - droppedAt).toBeLessThan(10_000);
    expect(failed.error).toEqual({
      code: "browserbase_disconnected",
      message: expect.stringContaining("Start a new login session"),
    });
    await waitForRelease(remote.id);
  });

  describe("session creation failing", () => {
    const failures: Array<{ mode: FailureMode; code: string; hint: RegExp }> = [
      { mode: "unauthorized", code: "browserbase_auth_failed", hint: /HTTP 401.*BROWSERBASE_API_KEY/ },
      { mode: "forbidden", code: "browserbase_auth_failed", hint: /HTTP 403.*BROWSERBASE_PROJECT_ID/ },
      { mode: "quota-exceeded", code: "browserbase_quota_exceeded", hint: /HTTP 429.*(concurrency|limit)/ },
      { mode: "invalid-region", code: "browserbase_bad_request", hint: /HTTP 400.*BROWSERBASE_REGION/ },
      { mode: "server-error", code: "browserbase_unavailable", hint: /HTTP 500.*Try again later/ },
    ];
    for (const { mode, code, hint } of failures) {
      it(`"${mode}": failed with ${code} and a message that says what to do`, async () => {
        emulator.setFailureMode(mode);
        const sessionsBefore = emulator.sessions().length;
        const started = Date.now();
        const { sessionId, started: answer } = await startTagged(stack, "demo");
        // start?wait= returns as soon as the session leaves queued/starting: it never hangs on a refused creation.
        const failed =
          answer.status === "failed" ? answer : await waitForStatus(stack, sessionId, "failed", { timeoutMs: 5_000 });
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(failed.error!.code).toBe(code);
        expect(failed.error!.message).toMatch(hint);
        expect(failed.error!.message).not.toContain(API_KEY);
        expect(failed.liveViewUrl).toBeNull();
        expect(emulator.sessions()).toHaveLength(sessionsBefore);
      });
    }

    it("a creation slower than the login's timeout: expired, and the session created late is released", async () => {
      emulator.setFailureMode("slow-create");
      const sessionsBefore = new Set(emulator.sessions().map((s) => s.id));
      const { sessionId, started } = await startTagged(stack, "demo-short", { wait: 0 });
      expect(["queued", "starting"]).toContain(started.status);
      const expired = await waitForStatus(stack, sessionId, "expired", { timeoutMs: 8_000 });
      expect(expired.error!.code).toBe("timeout");
      expect(expired.liveViewUrl).toBeNull();
      // The emulator answers at 6 s: the adapter releases what it created as soon as it hears of it.
      const late = await waitFor(() => emulator.sessions().find((s) => !sessionsBefore.has(s.id)), {
        timeoutMs: 8_000,
        what: "late creation",
      });
      expect(late.createParams.userMetadata).toEqual({ loginSessionId: sessionId });
      await waitForRelease(late.id);
    });

    it("a browser that never accepts the connection: expired at the login's timeout, and the session is released", async () => {
      emulator.setFailureMode("unreachable-connect-url");
      const sessionsBefore = new Set(emulator.sessions().map((s) => s.id));
      const { sessionId } = await startTagged(stack, "demo-short", { wait: 0 });
      const created = await waitFor(() => emulator.sessions().find((s) => !sessionsBefore.has(s.id)), {
        what: "session creation",
      });
      const expired = await waitForStatus(stack, sessionId, "expired", { timeoutMs: 8_000 });
      expect(expired.error!.code).toBe("timeout");
      await waitForRelease(created.id);
    });
  });

  // Stops the worker for good: every test that needs one runs before.
  it("worker shutdown: failed with worker_shutdown, and the Browserbase session is released", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo");
    const { remote } = await remoteShowing(tag);
    await stack.stopWorker(1_000);
    const failed = await waitForStatus(stack, sessionId, "failed", { timeoutMs: 5_000 });
    expect(failed.error!.code).toBe("worker_shutdown");
    // Released before the worker reported itself stopped.
    expect(releasedIds()).toContain(remote.id);
    expect(stack.log.text()).toContain("worker stopped");
  });

  // Runs last: by now every path above has logged and stored what it does.
  it("never wrote the Browserbase API key or a captured secret to Redis, the logs, stdout or stderr", async () => {
    const secrets = stack.site.issuedSecrets().filter((s) => !s.startsWith("grant-"));
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    const redisText = await dumpRedis(stack.redis.url);
    const logText = stack.log.text();
    const consoleText = output.text().join("");
    // The dump and the logs are the real ones: the sessions, the encrypted credentials, the failures.
    expect(redisText).toContain(":credential:");
    expect(redisText).toContain("browserbase_auth_failed");
    expect(logText).toContain("session status");
    for (const [name, secret] of [
      ["Browserbase API key", API_KEY],
      ...secrets.map((s) => [`site secret ${s.slice(0, 10)}…`, s]),
    ] as const) {
      expect(redisText.includes(secret), `${name} in Redis`).toBe(false);
      expect(logText.includes(secret), `${name} in logs`).toBe(false);
      expect(consoleText.includes(secret), `${name} on stdout/stderr`).toBe(false);
    }
    // Anyone holding a live view URL can drive the browser: it is served by the API, never logged.
    expect(logText).not.toContain("devtools-fullscreen");
  });
});
