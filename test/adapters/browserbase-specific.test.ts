import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserAdapter,
  BrowserAdapterError,
  type BrowserSessionEvent,
} from "../../src/browser/browser-adapter.ts";
import {
  type BrowserbaseOptions,
  createBrowserbaseAdapter,
} from "../../src/browser/browserbase/browserbase-adapter.ts";
import type { BrowserbaseSession } from "../../src/browser/browserbase/browserbase-session.ts";
import { connectScriptedUser, type ScriptedUser } from "../../src/demo/scripted-user.ts";
import type { BrowserbaseEmulator, FailureMode } from "../browserbase-emulator/browserbase-emulator.ts";
import { type EmulatorInEnv, startEmulatorInEnv } from "../browserbase-emulator/emulator-in-env.ts";
import { leftoverChromiums } from "../browserbase-emulator/leftover-processes.ts";
import { type FixtureSite, startFixtureSite } from "../fixtures/fixture-site.ts";
import { captureOutput } from "../helpers/capture-output.ts";
import { freePort } from "../helpers/free-port.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** Distinctive, so that a leak is found wherever it ends up. */
const API_KEY = `bb_live_${randomUUID().replaceAll("-", "")}`;

describe("Browserbase adapter", () => {
  let emulator: BrowserbaseEmulator;
  let inEnv: EmulatorInEnv;
  let site: FixtureSite;
  const output = captureOutput();
  const logged: string[] = [];
  const users: ScriptedUser[] = [];
  const adapters: BrowserAdapter[] = [];

  beforeAll(async () => {
    output.start();
    inEnv = await startEmulatorInEnv({ apiKey: API_KEY, slowCreateMs: 2_500 });
    emulator = inEnv.emulator;
    site = await startFixtureSite();
  });

  afterEach(async () => {
    await Promise.all(users.splice(0).map((u) => u.disconnect()));
    await Promise.all(adapters.splice(0).map((a) => a.close()));
    emulator.setFailureMode("none");
    expect(
      emulator
        .sessions()
        .filter((s) => s.status === "RUNNING")
        .map((s) => s.id),
    ).toEqual([]);
    expect(await leftoverChromiums(emulator.profilePrefix)).toEqual([]);
  });

  afterAll(async () => {
    output.stop();
    await inEnv?.close();
    await site?.close();
    expect(await leftoverChromiums(emulator.profilePrefix)).toEqual([]);
  });

  function adapter(overrides: Partial<BrowserbaseOptions> = {}): BrowserAdapter {
    const a = createBrowserbaseAdapter({
      apiKey: API_KEY,
      projectId: emulator.projectId,
      pollIntervalMs: 50,
      sessionCreateTimeoutMs: 10_000,
      log: (entry) => logged.push(entry.message),
      ...overrides,
    });
    adapters.push(a);
    return a;
  }

  async function open(a: BrowserAdapter, path = "/login", extra: { signal?: AbortSignal } = {}) {
    const tag = randomUUID();
    const session = (await a.openSession({
      sessionId: tag,
      loginUrl: `${site.appOrigin}${path}?tag=${tag}`,
      timeoutMs: 90_000,
      ...extra,
    })) as BrowserbaseSession;
    const events: BrowserSessionEvent[] = [];
    session.onEvent((e) => events.push(e));
    const remote = emulator.session(session.browserbaseSessionId)!;
    const user = await connectScriptedUser(remote.cdpHttpEndpoint);
    users.push(user);
    const page = await user.findPage((u) => u.includes(tag));
    return { session, events, user, page, remote };
  }

  const releasedIds = () =>
    emulator.calls
      .filter(
        (c) =>
          c.method === "POST" &&
          /^\/v1\/sessions\/[^/]+$/.test(c.path) &&
          (c.body as { status?: string })?.status === "REQUEST_RELEASE",
      )
      .map((c) => c.path.split("/").at(-1));
  const createdIds = () => emulator.sessions().map((s) => s.id);

  async function openFailure(
    a: BrowserAdapter,
    loginUrl = `${site.appOrigin}/login`,
    signal?: AbortSignal,
  ): Promise<BrowserAdapterError> {
    const error = await a.openSession({ sessionId: randomUUID(), loginUrl, timeoutMs: 60_000, signal }).then(
      () => {
        throw new Error("openSession should have failed");
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BrowserAdapterError);
    expect((error as Error).message).not.toContain(API_KEY);
    return error as BrowserAdapterError;
  }

  describe("creation", () => {
    it("refuses options without key or project at start-up", () => {
      expect(() => createBrowserbaseAdapter({ apiKey: "", projectId: "" })).toThrow(
        expect.objectContaining({
          code: "browserbase_misconfigured",
          message: expect.stringContaining("BROWSERBASE_API_KEY"),
        }),
      );
    });

    it("asks Browserbase for the configured session and lets Stagehand attach to it", async () => {
      const a = adapter({ region: "eu-central-1", keepAlive: true, proxies: true, contextId: "ctx-login-profile" });
      const { session } = await open(a);
      const create = emulator.calls.find((c) => c.method === "POST" && c.path === "/v1/sessions")!;
      expect(create.authorized).toBe(true);
      expect(create.body).toMatchObject({
        projectId: emulator.projectId,
        timeout: 90,
        region: "eu-central-1",
        keepAlive: true,
        proxies: true,
        browserSettings: { context: { id: "ctx-login-profile", persist: true } },
        userMetadata: { loginSessionId: session.sessionId },
      });
      const paths = emulator.calls.map((c) => `${c.method} ${c.path.replace(session.browserbaseSessionId, ":id")}`);
      // Stagehand's resume path reads the session, then the live view URLs are asked for.
      expect(paths).toEqual(
        expect.arrayContaining(["POST /v1/sessions", "GET /v1/sessions/:id", "GET /v1/sessions/:id/debug"]),
      );
      expect(session.liveViewUrl()).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/devtools-fullscreen\/inspector\.html\?.*&navbar=false$/,
      );
      await session.close();
    });

    const creationFailures: Array<{ mode: FailureMode; code: string; hint: RegExp }> = [
      { mode: "unauthorized", code: "browserbase_auth_failed", hint: /BROWSERBASE_API_KEY/ },
      { mode: "forbidden", code: "browserbase_auth_failed", hint: /BROWSERBASE_PROJECT_ID/ },
      { mode: "quota-exceeded", code: "browserbase_quota_exceeded", hint: /concurrency|limit/ },
      { mode: "invalid-region", code: "browserbase_bad_request", hint: /BROWSERBASE_REGION/ },
      { mode: "server-error", code: "browserbase_unavailable", hint: /HTTP 500/ },
    ];
    for (const { mode, code, hint } of creationFailures) {
      it(`maps "${mode}" to ${code} with a message that says what to do`, async () => {
        emulator.setFailureMode(mode);
        const error = await openFailure(adapter());
        expect(error.code).toBe(code);
        expect(error.message).toMatch(hint);
        expect(createdIds()).not.toContain(undefined);
      });
    }

    it("reports a wrong API key as browserbase_auth_failed without repeating the key the server echoed", async () => {
      const wrongKey = `bb_live_wrong_${randomUUID()}`;
      const error = await openFailure(adapter({ apiKey: wrongKey }));
      expect(error.code).toBe("browserbase_auth_failed");
      expect(error.message).toContain("HTTP 401");
      expect(error.message).not.toContain(wrongKey);
    });

    it("rejects an unknown region through Browserbase's 400", async () => {
      const error = await openFailure(adapter({ region: "mars-north-1" }));
      expect(error.code).toBe("browserbase_bad_request");
      expect(error.message).toContain("allowed values");
    });

    it("gives up on a slow creation with browserbase_session_create_timeout, and releases the session it makes later", async () => {
      emulator.setFailureMode("slow-create");
      const before = new Set(createdIds());
      const started = Date.now();
      const error = await openFailure(adapter({ sessionCreateTimeoutMs: 1_500 }));
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(error.code).toBe("browserbase_session_create_timeout");
      expect(error.message).toMatch(/within 2 s/);
      // The emulator finishes creating after 2.5 s: the adapter releases that session as soon as it hears of it.
      const late = await waitFor(() => createdIds().find((id) => !before.has(id)), { what: "late creation" });
      await waitFor(() => releasedIds().includes(late), { what: "release of the late session" });
    });

    it("reports an unreachable control plane as browserbase_unavailable", async () => {
      const closedPort = await freePort();
      process.env.BROWSERBASE_BASE_URL = `http://127.0.0.1:${closedPort}`;
      try {
        const error = await openFailure(adapter());
        expect(error.code).toBe("browserbase_unavailable");
        expect(error.message).toMatch(/BROWSERBASE_BASE_URL/);
      } finally {
        process.env.BROWSERBASE_BASE_URL = emulator.baseUrl;
      }
    });
  });

  describe("release", () => {
    it("releases the session when it is closed after a login, once however often close is called", async () => {
      const { session, user, page } = await open(adapter());
      await user.logIn(page);
      await waitFor(async () => (await session.cookies()).some((c) => c.name === "session"), {
        what: "session cookie",
      });
      await Promise.all([session.close(), session.close()]);
      await session.close();
      expect(releasedIds().filter((id) => id === session.browserbaseSessionId)).toHaveLength(1);
      expect(emulator.session(session.browserbaseSessionId)?.status).toBe("COMPLETED");
    });

    it("releases every open session when the adapter closes", async () => {
      const a = adapter();
      const [one, two] = await Promise.all([open(a), open(a)]);
      await a.close();
      expect(releasedIds()).toEqual(
        expect.arrayContaining([one.session.browserbaseSessionId, two.session.browserbaseSessionId]),
      );
      await a.close();
    });

    it("releases the session when the login page cannot be loaded", async () => {
      const closedPort = await freePort();
      const before = new Set(createdIds());
      const error = await openFailure(adapter(), `http://127.0.0.1:${closedPort}/login`);
      expect(error.code).toBe("login_page_unreachable");
      expect(error.message).toMatch(/ERR_CONNECTION_REFUSED/);
      const created = createdIds().filter((id) => !before.has(id));
      expect(created).toHaveLength(1);
      expect(releasedIds()).toContain(created[0]);
    });

    it("releases the session when its browser never accepts the connection", async () => {
      emulator.setFailureMode("unreachable-connect-url");
      const before = new Set(createdIds());
      const error = await openFailure(adapter({ sessionCreateTimeoutMs: 2_000 }));
      expect(error.code).toBe("browserbase_session_create_timeout");
      expect(error.message).toMatch(/DevTools connection/);
      const created = createdIds().filter((id) => !before.has(id));
      expect(created).toHaveLength(1);
      expect(releasedIds()).toContain(created[0]);
    });

    it("asks for no session when the caller has already given up", async () => {
      const before = emulator.calls.filter((c) => c.method === "POST" && c.path === "/v1/sessions").length;
      const controller = new AbortController();
      controller.abort();
      const a = adapter();
      const error = await openFailure(a, undefined, controller.signal);
      expect(error.code).toBe("browserbase_open_cancelled");
      // Closing waits for abandoned create requests: one sent anyway would be counted by now.
      await a.close();
      expect(emulator.calls.filter((c) => c.method === "POST" && c.path === "/v1/sessions")).toHaveLength(before);
    });

    it("releases the session when the caller cancels while it opens", async () => {
      emulator.setFailureMode("unreachable-connect-url");
      const before = new Set(createdIds());
      const controller = new AbortController();
      const failing = openFailure(adapter(), undefined, controller.signal);
      const [created] = await waitFor(
        () => {
          const fresh = createdIds().filter((id) => !before.has(id));
          return fresh.length > 0 && fresh;
        },
        { what: "session creation" },
      );
      controller.abort();
      const error = await failing;
      expect(error.code).toBe("browserbase_open_cancelled");
      await waitFor(() => releasedIds().includes(created), { what: "release of the cancelled session" });
    });

    it("releases a session still opening when the adapter shuts down", async () => {
      emulator.setFailureMode("unreachable-connect-url");
      const before = new Set(createdIds());
      const a = adapter();
      const failing = openFailure(a);
      const [created] = await waitFor(
        () => {
          const fresh = createdIds().filter((id) => !before.has(id));
          return fresh.length > 0 && fresh;
        },
        { what: "session creation" },
      );
      await a.close();
      const error = await failing;
      expect(error.code).toBe("adapter_closed");
      expect(releasedIds()).toContain(created);
      await expect(
        a.openSession({ sessionId: "late", loginUrl: site.loginUrl, timeoutMs: 60_000 }),
      ).rejects.toMatchObject({ code: "adapter_closed" });
    });
  });

  describe("a running session", () => {
    it("moves the live view to a popup, and back to the first tab when the popup closes", async () => {
      const { session, events, page } = await open(adapter(), "/popup");
      const firstTab = session.liveViewUrl();
      expect(firstTab).toContain(`/devtools/page/${session.pages()[0]!.pageId}`);
      const popupPromise = page.waitForEvent("popup");
      await page.locator("#open-login").click();
      const popup = await popupPromise;
      const opened = await waitFor(() => events.find((e) => e.type === "page-opened"), { what: "page-opened" });
      if (opened.type !== "page-opened") throw new Error("unreachable");
      expect(opened.liveViewUrl).toMatch(new RegExp(`/devtools/page/${opened.pageId}&navbar=false$`));
      expect(session.liveViewUrl()).toBe(opened.liveViewUrl);
      await popup.close();
      await waitFor(() => events.some((e) => e.type === "page-closed" && e.pageId === opened.pageId), {
        what: "page-closed",
      });
      expect(session.liveViewUrl()).toBe(firstTab);
      await session.close();
    });

    it("announces a dropped connection as browserbase_disconnected within seconds, and releases the session", async () => {
      const { session, events } = await open(adapter());
      const dropped = Date.now();
      await emulator.dropConnection(session.browserbaseSessionId);
      const event = await waitFor(() => events.find((e) => e.type === "disconnected"), {
        timeoutMs: 5_000,
        what: "disconnected event",
      });
      expect(Date.now() - dropped).toBeLessThan(5_000);
      expect(event).toMatchObject({ type: "disconnected", code: "browserbase_disconnected" });
      await waitFor(() => releasedIds().includes(session.browserbaseSessionId), { what: "release after the drop" });
      // Closing after the error is still safe, and releases nothing twice.
      await session.close();
      expect(releasedIds().filter((id) => id === session.browserbaseSessionId)).toHaveLength(1);
    });

    it("reports redirect responses and sees storage written by an origin no tab shows any more", async () => {
      const { session, events, user, page } = await open(adapter());
      await user.logIn(page);
      await waitFor(() => events.some((e) => e.type === "navigated" && e.url === `${site.appOrigin}/dashboard`), {
        what: "dashboard",
      });
      expect(events).toContainEqual(
        expect.objectContaining({ type: "response", status: 302, url: `${site.appOrigin}/login` }),
      );
      expect(events.some((e) => e.type === "state-changed")).toBe(true);
      const state = await session.capture({ origins: [site.ssoOrigin] });
      expect(state.origins.map((o) => o.origin)).toEqual([site.ssoOrigin]);
      expect(state.origins[0]!.localStorage.map((i) => i.name)).toEqual(["sso.device"]);
      expect(state.cookies.map((c) => c.name)).toEqual(["sso_session"]);
      await session.close();
    });
  });

  it("never wrote the API key anywhere: errors, Stagehand's log lines, stdout, stderr", () => {
    const everything = [...output.text(), ...logged].join("\n");
    expect(everything).not.toContain(API_KEY);
  });
});
