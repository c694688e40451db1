import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type SuccessWatcher,
  type WatchOptions,
  watchForSuccess,
} from "../../src/browser-login/worker/success-watcher.ts";
import { browserLoginProviderSchema } from "../../src/providers/provider-schema.ts";
import { createFakeBrowserSession, type FakeBrowserSession } from "../helpers/fake-browser-session.ts";

const APP = "https://app.test";
const LOGIN = `${APP}/login`;

const provider = (fields: Record<string, unknown>) =>
  browserLoginProviderSchema.parse({
    kind: "browser_login",
    id: "t",
    name: "T",
    loginUrl: LOGIN,
    success: { url: { pathname: "/home" } },
    ...fields,
  });

/**
 * Whether the watcher has succeeded once everything the last change set off has run. The fake
 * answers without timers, so one turn of the event loop lets every pending check finish.
 */
async function succeededNow(watcher: SuccessWatcher): Promise<boolean> {
  let done = false;
  void watcher.succeeded.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe("success watcher against a scripted browser session", () => {
  let session: FakeBrowserSession;
  let watcher: SuccessWatcher | undefined;

  async function watch(fields: Record<string, unknown>, options: WatchOptions = {}) {
    session ??= createFakeBrowserSession(LOGIN);
    watcher = await watchForSuccess(session, provider(fields), {
      fallbackPollMs: 60_000,
      cookiePollMs: 60_000,
      ...options,
    });
    return watcher;
  }

  afterEach(() => {
    watcher?.stop();
    watcher = undefined;
    session = undefined as unknown as FakeBrowserSession;
    vi.useRealTimers();
  });

  it("all: succeeds only once every leaf holds", async () => {
    const w = await watch({ success: { all: [{ url: { pathname: "/home" } }, { storage: { key: "token" } }] } });
    session.navigate(`${APP}/home`);
    expect(await succeededNow(w)).toBe(false);
    session.navigate(LOGIN);
    session.setStorage("localStorage", APP, "token", "t-1");
    expect(await succeededNow(w)).toBe(false);
    session.navigate(`${APP}/home`);
    expect(await succeededNow(w)).toBe(true);
  });

  it("any: succeeds on whichever leaf holds first, on any page", async () => {
    const w = await watch({ success: { any: [{ url: { pathname: "/home" } }, { storage: { key: "token" } }] } });
    session.navigate(`${APP}/elsewhere`);
    expect(await succeededNow(w)).toBe(false);
    session.navigate(`${APP}/home`, "popup-1");
    expect(await succeededNow(w)).toBe(true);

    session = createFakeBrowserSession(LOGIN);
    const other = await watch({ success: { any: [{ url: { pathname: "/home" } }, { storage: { key: "token" } }] } });
    session.setStorage("localStorage", APP, "token", "t-1");
    expect(await succeededNow(other)).toBe(true);
  });

  it("a cookie already set on the login page counts only when its value changes", async () => {
    session = createFakeBrowserSession(LOGIN);
    session.setCookie("sid", "deleted");
    const w = await watch({ success: { cookie: { name: "sid" } } });
    session.setCookie("sid", "deleted");
    session.emit({ type: "state-changed" });
    expect(await succeededNow(w)).toBe(false);
    session.setCookie("sid", "s-123");
    session.emit({ type: "state-changed" });
    expect(await succeededNow(w)).toBe(true);
  });

  it("finds a cookie set by a script through its poll, with no event", async () => {
    const w = await watch({ success: { cookie: { name: "sid", domain: "app.test" } } }, { cookiePollMs: 5 });
    session.setCookie("sid", "s-1", "other.test");
    session.setCookie("sid", "s-1");
    await w.succeeded;
  });

  it("a storage leaf with an origin ignores the same key on other origins", async () => {
    const w = await watch({ success: { storage: { area: "sessionStorage", key: "token", origin: APP } } });
    session.setStorage("sessionStorage", "https://other.test", "token", "t-1");
    session.setStorage("localStorage", APP, "token", "t-1");
    expect(await succeededNow(w)).toBe(false);
    session.setStorage("sessionStorage", APP, "token", "t-1");
    expect(await succeededNow(w)).toBe(true);
  });

  it("a response leaf with a status waits for that status; without one, any response counts", async () => {
    const withStatus = await watch({ success: { response: { url: { pathname: "/api/login" }, status: 200 } } });
    session.respond(`${APP}/api/login`, 401);
    session.respond(`${APP}/api/other`, 200);
    expect(await succeededNow(withStatus)).toBe(false);
    session.respond(`${APP}/api/login`, 200);
    expect(await succeededNow(withStatus)).toBe(true);

    session = createFakeBrowserSession(LOGIN);
    const anyStatus = await watch({ success: { response: { url: { pathname: "/api/login" } } } });
    session.respond(`${APP}/api/login`, 204);
    expect(await succeededNow(anyStatus)).toBe(true);
  });

  it("settleMs: succeeds once the condition has held that long", async () => {
    const w = await watch({ success: { url: { pathname: "/home" } }, settleMs: 40 });
    const heldFrom = Date.now();
    session.navigate(`${APP}/home`);
    expect(await succeededNow(w)).toBe(false);
    await w.succeeded;
    expect(Date.now() - heldFrom).toBeGreaterThanOrEqual(40);
  });

  it("settleMs: a condition that stops holding starts the settle time over", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
    const w = await watch({ success: { url: { pathname: "/home" } }, settleMs: 50 });
    session.navigate(`${APP}/home`); // a logged-out visitor sees the dashboard for a moment...
    await vi.advanceTimersByTimeAsync(40);
    session.navigate(LOGIN); // ...and is sent back to the login page
    await vi.advanceTimersByTimeAsync(30);
    expect(await succeededNow(w)).toBe(false);
    session.navigate(`${APP}/home`);
    await vi.advanceTimersByTimeAsync(49);
    expect(await succeededNow(w)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await succeededNow(w)).toBe(true);
  });

  it("reports a failure URL and keeps watching", async () => {
    const rejected = vi.fn();
    const w = await watch({ failureUrls: [{ pathname: "/login", search: "error=*" }] }, { onLoginRejected: rejected });
    session.navigate(`${LOGIN}?error=1`);
    expect(rejected).toHaveBeenCalledExactlyOnceWith({ by: "url", url: `${LOGIN}?error=1` });
    session.navigate(`${APP}/home`);
    expect(await succeededNow(w)).toBe(true);
  });

  it("reports a failure response: the listed statuses, or any 4xx when none is listed", async () => {
    const rejected = vi.fn();
    await watch(
      {
        failureResponses: [
          { url: { pathname: "/api/login" }, status: [401, 403] },
          { url: { pathname: "/api/session" } },
        ],
      },
      { onLoginRejected: rejected },
    );
    session.respond(`${APP}/api/login`, 200);
    session.respond(`${APP}/api/login`, 429);
    session.respond(`${APP}/api/session`, 500);
    session.respond(`${APP}/api/other`, 401);
    expect(rejected).not.toHaveBeenCalled();
    session.respond(`${APP}/api/login`, 403);
    session.respond(`${APP}/api/session`, 422);
    expect(rejected.mock.calls).toEqual([
      [{ by: "response", url: `${APP}/api/login`, requestedAt: undefined }],
      [{ by: "response", url: `${APP}/api/session`, requestedAt: undefined }],
    ]);
  });

  it("a failure response narrowed by method or request header matches only such requests, and says when it was sent", async () => {
    const rejected = vi.fn();
    await watch(
      {
        failureResponses: [
          { url: { pathname: "/api/*" }, status: 401, method: "post" },
          { url: { pathname: "/graphql" }, requestHeader: { name: "X-Operation", value: "Login" } },
        ],
      },
      { onLoginRejected: rejected },
    );
    const respond = (url: string, method?: string, requestHeaders?: Record<string, string>) =>
      session.emit({
        type: "response",
        pageId: "page-1",
        url: `${APP}${url}`,
        status: 401,
        method,
        requestHeaders,
        requestedAt: 42,
      });
    respond("/api/me", "GET");
    respond("/api/me");
    respond("/graphql", "POST", { "x-operation": "Me" });
    respond("/graphql", "POST", {});
    respond("/graphql", "POST");
    expect(rejected).not.toHaveBeenCalled();
    respond("/api/login", "POST");
    respond("/graphql", "POST", { "x-operation": "Login" });
    expect(rejected.mock.calls).toEqual([
      [{ by: "response", url: `${APP}/api/login`, requestedAt: 42 }],
      [{ by: "response", url: `${APP}/graphql`, requestedAt: 42 }],
    ]);
  });

  it("stop() leaves no timer and no subscription, and success no longer comes", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
    const w = await watch(
      { success: { all: [{ url: { pathname: "/home" } }, { cookie: { name: "sid" } }] } },
      { cookiePollMs: 250 },
    );
    session.navigate(`${APP}/home`);
    session.setCookie("sid", "s-1");
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    w.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(session.listenerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await succeededNow(w)).toBe(false);
  });

  it("stop() during a settle time clears its timer", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
    const w = await watch({ settleMs: 500 });
    session.navigate(`${APP}/home`);
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(2); // the poll and the settle timer
    w.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
