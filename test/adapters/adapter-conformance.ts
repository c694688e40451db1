import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserAdapter,
  BrowserAdapterError,
  type BrowserSession,
  type BrowserSessionEvent,
} from "../../src/browser/browser-adapter.ts";
import type { CapturedState } from "../../src/credentials/captured-state.ts";
import { connectScriptedUser, type ScriptedUser } from "../../src/demo/scripted-user.ts";
import { type FixtureSite, startFixtureSite } from "../fixtures/fixture-site.ts";
import { freePort } from "../helpers/free-port.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { describeBrowserSession, type SiteActions } from "./browser-session-conformance.ts";

export interface AdapterUnderTest {
  adapter: BrowserAdapter;
  /** Where a scripted user can attach to the browser the adapter drives (one browser for every session). */
  cdpEndpoint?: string;
  /** Where to attach for one session, for adapters that run a browser per session (Browserbase). */
  cdpEndpointFor?(session: BrowserSession): string | Promise<string>;
  teardown(): Promise<void>;
}

/**
 * What every BrowserAdapter must do, run against each implementation (local Chromium, Browserbase
 * through Stagehand) so that the worker can rely on one behaviour.
 */
export function describeBrowserAdapter(name: string, setup: () => Promise<AdapterUnderTest>) {
  describe(`BrowserAdapter conformance: ${name}`, () => {
    let site: FixtureSite;
    let under: AdapterUnderTest;
    let sharedUser: ScriptedUser | undefined;
    const sessionUsers: ScriptedUser[] = [];

    beforeAll(async () => {
      site = await startFixtureSite();
      under = await setup();
      await under.adapter.warmUp();
      if (under.cdpEndpoint) sharedUser = await connectScriptedUser(under.cdpEndpoint);
    });

    afterAll(async () => {
      await sharedUser?.disconnect();
      await Promise.all(sessionUsers.map((u) => u.disconnect()));
      await under?.adapter.close();
      await under?.teardown();
      await site?.close();
    });

    async function open(path = "/login") {
      const tag = randomUUID();
      const url = `${site.appOrigin}${path}?tag=${tag}`;
      const session = await under.adapter.openSession({ sessionId: tag, loginUrl: url, timeoutMs: 60_000 });
      const events: BrowserSessionEvent[] = [];
      session.onEvent((e) => events.push(e));
      const user = await userFor(session);
      const page = await user.findPage((u) => u.includes(tag));
      return { session, events, page, tag, user };
    }

    async function userFor(session: BrowserSession): Promise<ScriptedUser> {
      if (sharedUser) return sharedUser;
      if (!under.cdpEndpointFor) throw new Error("AdapterUnderTest needs cdpEndpoint or cdpEndpointFor");
      const user = await connectScriptedUser(await under.cdpEndpointFor(session));
      sessionUsers.push(user);
      return user;
    }

    it("opens the login page and reports it", async () => {
      const { session, tag } = await open();
      try {
        expect(session.pages().map((p) => p.url)).toEqual([expect.stringContaining(tag)]);
        const view = session.liveViewUrl();
        expect(view === null || /^https?:\/\//.test(view)).toBe(true);
      } finally {
        await session.close();
      }
    });

    it("follows a login through redirects and captures cookies (HttpOnly, second origin) and storage", async () => {
      const { session, events, page, user } = await open();
      try {
        await user.logIn(page);
        await waitFor(() => events.some((e) => e.type === "navigated" && e.url === `${site.appOrigin}/dashboard`), {
          what: "dashboard navigation",
        });
        const profile = await waitFor(async () => (await session.readStorage("localStorage", "demo.profile"))[0], {
          what: "demo.profile",
        });
        expect(profile.origin).toBe(site.appOrigin);
        expect(events.some((e) => e.type === "navigated" && e.url.startsWith(`${site.ssoOrigin}/sso/grant`))).toBe(
          true,
        );
        expect(events.some((e) => e.type === "response" && e.url.endsWith("/dashboard") && e.status === 200)).toBe(
          true,
        );

        const cookies = await session.cookies();
        const sessionCookie = cookies.find((c) => c.name === "session");
        expect(sessionCookie).toMatchObject({ httpOnly: true, sameSite: "Lax", domain: "localhost" });
        expect(cookies.find((c) => c.name === "sso_session")).toMatchObject({ httpOnly: true, domain: "127.0.0.1" });

        const state = await waitFor(
          async () => {
            const s = await session.capture({});
            const app = s.origins.find((o) => o.origin === site.appOrigin);
            return app?.sessionStorage.some((i) => i.name === "demo.tab") ? s : undefined;
          },
          { what: "sessionStorage capture" },
        );
        const app = state.origins.find((o) => o.origin === site.appOrigin)!;
        expect(app.localStorage).toContainEqual({ name: "demo.profile", value: profile.value });
        expect(state.origins.find((o) => o.origin === site.ssoOrigin)?.localStorage.map((i) => i.name)).toContain(
          "sso.device",
        );
        expect(state.cookies.map((c) => c.name).sort()).toEqual(["session", "sso_session", "theme"]);

        const onlyApp = await session.capture({ origins: [site.appOrigin] });
        expect(onlyApp.origins.map((o) => o.origin)).toEqual([site.appOrigin]);
        expect(onlyApp.cookies.map((c) => c.name).sort()).toEqual(["session", "theme"]);
      } finally {
        await session.close();
      }
    });

    it("watches popups: the new page is announced and its navigations reported", async () => {
      const { session, events, page, user } = await open("/popup");
      try {
        const popupPromise = page.waitForEvent("popup");
        await page.locator("#open-login").click();
        const popup = await popupPromise;
        await waitFor(() => events.some((e) => e.type === "page-opened"), { what: "page-opened" });
        await popup.waitForLoadState();
        await user.logIn(popup);
        const opened = events.find((e) => e.type === "page-opened")!;
        await waitFor(
          () =>
            events.some(
              (e) =>
                e.type === "navigated" &&
                e.pageId === (opened as { pageId: string }).pageId &&
                e.url.endsWith("/dashboard"),
            ),
          { what: "popup dashboard navigation" },
        );
        expect(session.pages()).toHaveLength(2);
      } finally {
        await session.close();
      }
    });

    it("sees a single-page login through storage, without a URL change", async () => {
      const { session, events, page, user } = await open("/spa");
      try {
        await user.logIn(page);
        const token = await waitFor(async () => (await session.readStorage("localStorage", "spa.token"))[0], {
          what: "spa.token",
        });
        expect(token.value).toMatch(/^token-/);
        expect(events.filter((e) => e.type === "navigated")).toHaveLength(0);
        expect((await session.cookies()).find((c) => c.name === "session")?.httpOnly).toBe(true);
      } finally {
        await session.close();
      }
    });

    it("opens a session seeded with a captured state: logged in from the first request, storage there before the page's scripts", async () => {
      const { session, events, page, user } = await open();
      let captured!: CapturedState;
      try {
        await user.logIn(page);
        captured = await waitFor(
          async () => {
            const s = await session.capture({});
            const app = s.origins.find((o) => o.origin === site.appOrigin);
            return app?.sessionStorage.some((i) => i.name === "demo.tab") && s.cookies.some((c) => c.name === "session")
              ? s
              : undefined;
          },
          { what: "a logged-in capture" },
        );
        expect(events.some((e) => e.type === "navigated" && e.url === `${site.appOrigin}/dashboard`)).toBe(true);
      } finally {
        await session.close();
      }
      const tag = randomUUID();
      const seeded = await under.adapter.openSession({
        sessionId: tag,
        // A page that touches no storage and, unlike /login, does not send a logged-in visitor on to the dashboard.
        loginUrl: `${site.appOrigin}/echo?tag=${tag}`,
        timeoutMs: 60_000,
        seed: captured,
      });
      try {
        const seededPage = await (await userFor(seeded)).findPage((u) => u.includes(tag));
        const app = captured.origins.find((o) => o.origin === site.appOrigin)!;
        const value = (items: { name: string; value: string }[], name: string) =>
          items.find((i) => i.name === name)?.value;
        // The page touches no storage: what it holds came from the seed.
        expect(await seededPage.evaluate(() => localStorage.getItem("demo.profile"))).toBe(
          value(app.localStorage, "demo.profile"),
        );
        expect(await seededPage.evaluate(() => sessionStorage.getItem("demo.tab"))).toBe(
          value(app.sessionStorage, "demo.tab"),
        );
        expect((await seeded.cookies()).find((c) => c.name === "session")).toMatchObject({ httpOnly: true });
        // The server sees the session cookie: the welcome is only rendered for a logged-in visitor.
        await seededPage.goto(`${site.appOrigin}/dashboard`);
        expect(await seededPage.locator("#welcome").textContent()).toContain("alice");
        // Another origin's storage is seeded too, once a page of that origin opens.
        const sso = captured.origins.find((o) => o.origin === site.ssoOrigin)!;
        await seededPage.goto(`${site.ssoOrigin}/sso/grant?code=none`);
        expect(await seededPage.evaluate(() => localStorage.getItem("sso.device"))).toBe(
          value(sso.localStorage, "sso.device"),
        );
      } finally {
        await seeded.close();
      }
      expect(under.adapter.openSessions()).toBe(0);
    });

    it("keeps two sessions on the same site apart", async () => {
      const a = await open();
      const b = await open();
      try {
        await a.user.logIn(a.page);
        await waitFor(async () => (await a.session.cookies()).some((c) => c.name === "session"), {
          what: "session cookie in A",
        });
        expect(await b.session.cookies()).toEqual([]);
        expect(await b.session.readStorage("localStorage", "demo.profile")).toEqual([]);
      } finally {
        await Promise.all([a.session.close(), b.session.close()]);
      }
    });

    it("closes a session: its pages are gone, and closing again is harmless", async () => {
      const { session, tag, user } = await open();
      expect(under.adapter.openSessions()).toBe(1);
      await session.close();
      await session.close();
      expect(under.adapter.openSessions()).toBe(0);
      await waitFor(async () => !(await pagesWith(user, tag)), { what: "pages closed" });
    });

    it("an abort while the login page loads rejects promptly and leaves no page", async () => {
      const tag = randomUUID();
      const controller = new AbortController();
      const opening = under.adapter.openSession({
        sessionId: tag,
        loginUrl: `${site.appOrigin}/slow-login?tag=${tag}`,
        timeoutMs: 60_000,
        signal: controller.signal,
      });
      const outcome = opening.then(
        () => "opened",
        (error: unknown) => error,
      );
      // The page has committed and waits for its image: the load event cannot come before the release.
      await waitFor(() => site.holding(tag) > 0, { what: "the slow page's held request", timeoutMs: 20_000 });
      expect(under.adapter.openSessions()).toBe(1);
      const abortedAt = Date.now();
      controller.abort();
      const error = await outcome;
      expect(error).toBeInstanceOf(BrowserAdapterError);
      expect(Date.now() - abortedAt).toBeLessThan(5_000);
      expect(under.adapter.openSessions()).toBe(0);
      // The tab is gone: its pending request was dropped, and no page shows the tag.
      await waitFor(() => site.holding(tag) === 0, { what: "the held request to be dropped" });
      if (sharedUser)
        await waitFor(async () => !(await pagesWith(sharedUser!, tag)), { what: "the slow page to be closed" });
    });

    it("an already aborted signal opens nothing", async () => {
      const tag = randomUUID();
      const controller = new AbortController();
      controller.abort();
      const error = await under.adapter
        .openSession({
          sessionId: tag,
          loginUrl: `${site.appOrigin}/slow-login?tag=${tag}`,
          timeoutMs: 60_000,
          signal: controller.signal,
        })
        .then(
          () => "opened",
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(BrowserAdapterError);
      expect(under.adapter.openSessions()).toBe(0);
      expect(site.holding(tag)).toBe(0);
    });

    it("a login page that does not load: the error names the page but not its query or fragment", async () => {
      const closedPort = await freePort();
      const error = await under.adapter
        .openSession({
          sessionId: randomUUID(),
          loginUrl: `http://localhost:${closedPort}/login?token=SECRET-in-query#SECRET-in-fragment`,
          timeoutMs: 60_000,
        })
        .then(
          () => "opened",
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(BrowserAdapterError);
      const { code, message } = error as BrowserAdapterError;
      expect(code).toBe("login_page_unreachable");
      expect(message).not.toContain("SECRET");
      expect(under.adapter.openSessions()).toBe(0);
    });

    // What the worker relies on a session to report, checked with a real page acting as the site.
    describeBrowserSession(name, async () => {
      const { session, page, tag } = await open();
      return {
        session,
        loginUrl: `${site.appOrigin}/login?tag=${tag}`,
        site: pageActions(page, site.appOrigin),
        teardown: async () => {},
      };
    });
  });
}

/** The site's side of the behavioural suite, done by a real page of the fixture site. */
function pageActions(page: Page, origin: string): SiteActions {
  const request = (path: string) => page.evaluate((p) => fetch(p).then((r) => r.status), path);
  return {
    origin,
    navigate: async (path) => void (await page.goto(`${origin}${path}`)),
    setCookie: async (name, value, { httpOnly }) =>
      void (await request(
        `/conformance/set-cookie?${new URLSearchParams({ name, value, httpOnly: String(httpOnly) })}`,
      )),
    setStorage: (area, key, value) =>
      page.evaluate(([a, k, v]) => window[a as "localStorage"].setItem(k!, v!), [area, key, value]),
    respond: async (path) => void (await request(path)),
    // A click, as a person's: a popup a script opens without one may be blocked.
    async openPopup(path) {
      await page.evaluate((p) => {
        const button = document.createElement("button");
        button.id = "conformance-popup";
        button.textContent = "Open";
        button.onclick = () => window.open(p, "conformance", "width=400,height=400");
        document.body.append(button);
      }, path);
      await page.locator("#conformance-popup").click();
    },
  };
}

async function pagesWith(user: ScriptedUser, tag: string): Promise<boolean> {
  return user
    .findPage((u) => u.includes(tag), 0)
    .then(
      () => true,
      () => false,
    );
}

export type { BrowserSession };
