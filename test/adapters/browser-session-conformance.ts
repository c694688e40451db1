import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserSession, BrowserSessionEvent, StorageArea } from "../../src/browser/browser-adapter.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * What a site does to a browser session, as the conformance suite needs it done: through a real page
 * (a real adapter's browser, driven through its DevTools endpoint) or through a fake session's own hooks.
 */
export interface SiteActions {
  /** The origin the session's login page is on. */
  origin: string;
  /** The main page goes to `origin + path`. */
  navigate(path: string): Promise<void>;
  /** The site answers with `Set-Cookie` (HttpOnly when asked). */
  setCookie(name: string, value: string, options: { httpOnly: boolean }): Promise<void>;
  /** A script of the page writes web storage. */
  setStorage(area: StorageArea, key: string, value: string): Promise<void>;
  /** The page requests `origin + path` and gets `status`. */
  respond(path: string, status: number): Promise<void>;
  /** The page opens a popup on `origin + path`. */
  openPopup(path: string): Promise<void>;
}

export interface SessionUnderTest {
  /** A session whose one page shows `loginUrl` (on the site's origin), and the site acting on it. */
  session: BrowserSession;
  loginUrl: string;
  site: SiteActions;
  teardown(): Promise<void>;
}

/**
 * The behavioural half of the BrowserAdapter contract: what the worker's success watcher, capture and
 * live view rely on a BrowserSession to report, whoever implements it. Run against every adapter
 * (adapter-conformance.ts runs it with a real page) and against the tests' fake session, so that the
 * fake cannot drift from what real sessions do. One session serves the whole suite, in order.
 */
export function describeBrowserSession(name: string, setup: () => Promise<SessionUnderTest>) {
  describe(`BrowserSession behaviour: ${name}`, () => {
    let under: SessionUnderTest;
    const events: BrowserSessionEvent[] = [];
    const seen = (what: string, match: (e: BrowserSessionEvent) => boolean) =>
      waitFor(() => events.find(match), { what });

    beforeAll(async () => {
      under = await setup();
      under.session.onEvent((e) => events.push(e));
    });
    afterAll(async () => {
      await under?.session.close();
      await under?.teardown();
    });

    it("reports its one page at the login URL, and a live view URL or none", () => {
      const pages = under.session.pages();
      expect(pages).toHaveLength(1);
      expect(pages[0]!.url).toBe(under.loginUrl);
      expect(new URL(under.loginUrl).origin).toBe(under.site.origin);
      const view = under.session.liveViewUrl();
      expect(view === null || /^https?:\/\//.test(view)).toBe(true);
    });

    it("reports a navigation of the page, and shows its new URL", async () => {
      const [page] = under.session.pages();
      await under.site.navigate("/login?step=2");
      const url = `${under.site.origin}/login?step=2`;
      await seen("the navigation", (e) => e.type === "navigated" && e.url === url && e.pageId === page!.pageId);
      expect(under.session.pages()).toEqual([{ pageId: page!.pageId, url }]);
    });

    it("reads the cookies the site set, HttpOnly included", async () => {
      await under.site.setCookie("conformance_http", "h-value", { httpOnly: true });
      await under.site.setCookie("conformance_js", "j-value", { httpOnly: false });
      const host = new URL(under.site.origin).hostname;
      const cookies = await waitFor(
        async () => {
          const all = await under.session.cookies();
          return all.some((c) => c.name === "conformance_js") && all;
        },
        { what: "the cookies" },
      );
      expect(cookies.find((c) => c.name === "conformance_http")).toMatchObject({
        value: "h-value",
        httpOnly: true,
        domain: host,
      });
      expect(cookies.find((c) => c.name === "conformance_js")).toMatchObject({ value: "j-value", httpOnly: false });
    });

    it("reads storage a script wrote, by origin, and says that state changed", async () => {
      const changesBefore = events.filter((e) => e.type === "state-changed").length;
      await under.site.setStorage("localStorage", "conformance.local", "l-value");
      await under.site.setStorage("sessionStorage", "conformance.session", "s-value");
      const local = await waitFor(
        async () => (await under.session.readStorage("localStorage", "conformance.local"))[0],
        {
          what: "localStorage",
        },
      );
      expect(local).toEqual({ origin: under.site.origin, value: "l-value" });
      const session = await waitFor(
        async () => (await under.session.readStorage("sessionStorage", "conformance.session"))[0],
        {
          what: "sessionStorage",
        },
      );
      expect(session).toEqual({ origin: under.site.origin, value: "s-value" });
      expect(await under.session.readStorage("localStorage", "conformance.absent")).toEqual([]);
      await waitFor(() => events.filter((e) => e.type === "state-changed").length > changesBefore, {
        what: "a state-changed event",
      });
    });

    it("reports the responses the page gets, with their status", async () => {
      await under.site.respond("/conformance/status/401", 401);
      const response = await seen(
        "the 401 response",
        (e) => e.type === "response" && e.url.endsWith("/conformance/status/401"),
      );
      expect(response).toMatchObject({ status: 401, pageId: under.session.pages()[0]!.pageId });
    });

    it("captures the cookies and storage, and keeps only the origins asked for", async () => {
      const state = await under.session.capture({});
      expect(state.cookies.map((c) => c.name)).toEqual(expect.arrayContaining(["conformance_http", "conformance_js"]));
      const origin = state.origins.find((o) => o.origin === under.site.origin)!;
      expect(origin.localStorage).toContainEqual({ name: "conformance.local", value: "l-value" });
      expect(origin.sessionStorage).toContainEqual({ name: "conformance.session", value: "s-value" });
      const elsewhere = await under.session.capture({ origins: ["https://elsewhere.invalid"] });
      expect(elsewhere).toEqual({ cookies: [], origins: [] });
    });

    it("announces a popup under a page id of its own, and shows the URL it loads", async () => {
      const before = under.session.pages().map((p) => p.pageId);
      await under.site.openPopup("/login?popup=conformance");
      const opened = await seen("page-opened", (e) => e.type === "page-opened" && !before.includes(e.pageId));
      const pageId = (opened as { pageId: string }).pageId;
      // Its first URL comes with page-opened or a navigation, as the browser reports it; the page list shows it either way.
      await waitFor(
        () => under.session.pages().find((p) => p.pageId === pageId && p.url.includes("popup=conformance")),
        {
          what: "the popup's URL",
        },
      );
      expect(under.session.pages().map((p) => p.pageId)).toEqual(expect.arrayContaining([...before, pageId]));
    });

    it("tells a listener nothing after it unsubscribed", async () => {
      const late: BrowserSessionEvent[] = [];
      const unsubscribe = under.session.onEvent((e) => late.push(e));
      unsubscribe();
      await under.site.respond("/conformance/status/404", 404);
      await seen("the 404 response", (e) => e.type === "response" && e.url.endsWith("/conformance/status/404"));
      expect(late).toEqual([]);
    });

    it("closes, and closing again is harmless", async () => {
      await under.session.close();
      await under.session.close();
    });
  });
}
