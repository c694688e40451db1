import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

/**
 * A small login site for the demo (`npm start` serves it on DEMO_PORT), and the base of the tests' and
 * benchmarks' fixture site (test/fixtures/fixture-site.ts adds their own pages to it). It serves two
 * origins: the app (`http://localhost:<appPort>`) and its single sign-on (`http://127.0.0.1:<ssoPort>`),
 * so a login crosses origins the way real ones do. Paths:
 * - `/login`: form login → SSO grant (second origin, cookie + localStorage) → `/auth/finish` → `/dashboard`.
 * - `/popup`: a button that opens `/login` in a popup, and one that opens `/closing` (a window that closes itself).
 * - `/spa`: a single-page login whose URL never changes; success sets `localStorage["spa.token"]`.
 * - `/dashboard`: shows logged-out visitors a dashboard shell for a moment, then redirects them to `/login`;
 *   `/login` sends a visitor whose session still works to `/dashboard`.
 * `revokeSessions()` ends a user's sessions server-side (their cookies stop working), the way a site
 * expires or signs out a session.
 */
export const DEMO_USER = { username: "alice", password: "correct-horse" } as const;

export interface DemoSiteOptions {
  appPort?: number;
  ssoPort?: number;
  /** More script for the logged-in dashboard (the benchmarks' bulk cookies and storage). */
  dashboardScript?: string;
  /**
   * More pages, registered before the site's own: a handler may also take a request to one of the
   * site's paths and pass it on with `next()` (the tests' fixture pages, test/fixtures/fixture-site.ts).
   */
  routes?(app: Hono, site: DemoSiteInternals): void;
}

/** What added pages may use of the site. */
export interface DemoSiteInternals {
  revokeSessions(username?: string): number;
  /** The login page, with more markup above its form and more script (`failed`: says the last attempt was wrong). */
  loginPage(options: {
    failed: boolean;
    above?: HtmlEscapedString | Promise<HtmlEscapedString> | string;
    script?: string;
  }): HtmlEscapedString | Promise<HtmlEscapedString>;
  page: typeof page;
}

export interface DemoSite {
  appOrigin: string;
  ssoOrigin: string;
  loginUrl: string;
  /** Every secret value the site handed out (cookie values, tokens): tests look for them where they must not be. */
  issuedSecrets(): string[];
  /** Ends every app session of `username` server-side: their session cookies no longer log anyone in. Returns how many. */
  revokeSessions(username?: string): number;
  close(): Promise<void>;
}

const page = (title: string, body: unknown, script = "") => html`<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}
input,button{display:block;width:100%;margin:.4rem 0;padding:.5rem;font-size:1rem}.error{color:#b00}</style>
</head><body>${body}<script>${raw(script)}</script></body></html>`;

export async function startDemoSite(options: DemoSiteOptions = {}): Promise<DemoSite> {
  const secrets: string[] = [];
  const sessions = new Map<string, string>(); // app session cookie → username
  const grants = new Map<string, string>(); // one-time code → username
  const revokeSessions = (username: string = DEMO_USER.username) => {
    let revoked = 0;
    for (const [cookie, user] of sessions) if (user === username && sessions.delete(cookie)) revoked += 1;
    return revoked;
  };
  const issue = (prefix: string) => {
    const value = `${prefix}-${randomBytes(12).toString("hex")}`;
    secrets.push(value);
    return value;
  };

  let appOrigin = "";
  let ssoOrigin = "";

  const loginPage: DemoSiteInternals["loginPage"] = ({ failed, above = "", script = "" }) =>
    page(
      "Log in",
      html`<h1>Log in to Demo</h1>
        ${above}
        ${failed ? html`<p class="error" id="error">Wrong username or password.</p>` : ""}
        <form method="post" action="/login">
          <input name="username" id="username" placeholder="Username" autocomplete="username" />
          <input name="password" id="password" type="password" placeholder="Password" autocomplete="current-password" />
          <button type="submit" id="submit">Log in</button>
        </form>
        <p>Try <code>${DEMO_USER.username}</code> / <code>${DEMO_USER.password}</code>.</p>`,
      script,
    );

  const app = new Hono();
  options.routes?.(app, { revokeSessions, loginPage, page });
  app.get("/", (c) =>
    c.html(
      page(
        "Demo",
        html`<h1>Demo site</h1><p><a href="/login">Log in</a> · <a href="/popup">Popup login</a> · <a href="/spa">Single-page login</a></p>`,
      ),
    ),
  );
  app.get("/login", (c) => {
    // As many sites do: a visitor still logged in goes straight to the app (the default credential check relies on it).
    if (sessions.has(getCookie(c, "session") ?? "")) return c.redirect("/dashboard", 302);
    return c.html(loginPage({ failed: c.req.query("error") === "1" }));
  });
  app.post("/login", async (c) => {
    const form = await c.req.parseBody();
    if (form.username !== DEMO_USER.username || form.password !== DEMO_USER.password) {
      return c.redirect("/login?error=1", 302);
    }
    const code = issue("grant");
    grants.set(code, DEMO_USER.username);
    const back = `${appOrigin}/auth/finish`;
    return c.redirect(`${ssoOrigin}/sso/grant?code=${code}&return=${encodeURIComponent(back)}`, 302);
  });
  app.get("/auth/finish", (c) => {
    const user = grants.get(c.req.query("code") ?? "");
    if (!user) return c.redirect("/login?error=1", 302);
    grants.delete(c.req.query("code") ?? "");
    const session = issue("session");
    sessions.set(session, user);
    setCookie(c, "session", session, { httpOnly: true, sameSite: "Lax", path: "/", maxAge: 3600 });
    setCookie(c, "theme", "dark", { sameSite: "Strict", path: "/", maxAge: 86400 * 30 });
    return c.redirect("/dashboard", 302);
  });
  app.get("/dashboard", (c) => {
    const user = sessions.get(getCookie(c, "session") ?? "");
    if (!user) {
      // Like many apps, the dashboard shell renders before the app learns the visitor is logged out.
      return c.html(
        page(
          "Dashboard",
          html`<h1>Dashboard</h1><p>Loading…</p>`,
          `setTimeout(() => location.replace("/login"), 300);`,
        ),
      );
    }
    const profile = issue("profile");
    const tab = issue("tab");
    return c.html(
      page(
        "Dashboard",
        html`<h1 id="welcome">Welcome, ${user}</h1><p id="status">You are logged in.</p>`,
        `${options.dashboardScript ?? ""}
         localStorage.setItem("demo.profile", ${JSON.stringify(profile)});
         const db = indexedDB.open("demo-db", 1);
         db.onupgradeneeded = () => db.result.createObjectStore("prefs");
         db.onsuccess = () => {
           const tx = db.result.transaction("prefs", "readwrite");
           tx.objectStore("prefs").put("compact", "layout");
           tx.oncomplete = () => localStorage.setItem("demo.idb", "saved");
         };
         sessionStorage.setItem("demo.tab", ${JSON.stringify(tab)});`,
      ),
    );
  });
  app.get("/popup", (c) =>
    c.html(
      page(
        "Popup login",
        html`<h1>Popup login</h1><button id="open-login">Log in with Demo</button><button id="open-closing">Open a window that closes</button>`,
        `document.getElementById("open-login").onclick = () => window.open("/login?popup=1", "demo-login", "width=480,height=640");
         document.getElementById("open-closing").onclick = () => window.open("/closing", "demo-closing", "width=480,height=640");`,
      ),
    ),
  );
  app.get("/closing", (c) =>
    c.html(
      page(
        "Closing window",
        html`<h1>A window that closes</h1><button id="close">Close this window</button>`,
        `document.getElementById("close").onclick = () => window.close();`,
      ),
    ),
  );
  app.get("/spa", (c) =>
    c.html(
      page(
        "Single-page app",
        html`<h1 id="title">Single-page app</h1>
          <div id="view"><form id="spa-form">
            <input name="username" id="username" placeholder="Username" />
            <input name="password" id="password" type="password" placeholder="Password" />
            <button type="submit" id="submit">Log in</button>
            <p class="error" id="error" hidden>Wrong username or password.</p>
          </form></div>`,
        `document.getElementById("spa-form").onsubmit = async (e) => {
           e.preventDefault();
           const body = JSON.stringify({ username: username.value, password: password.value });
           const res = await fetch("/api/spa-login", { method: "POST", headers: { "content-type": "application/json" }, body });
           if (!res.ok) { document.getElementById("error").hidden = false; return; }
           const { token, user } = await res.json();
           localStorage.setItem("spa.token", token);
           document.getElementById("view").innerHTML = "<h2 id='welcome'>Welcome, " + user + "</h2>";
         };
         if (localStorage.getItem("spa.token")) fetch("/api/me").then(r => r.ok && r.json()).then(me => {
           if (me) document.getElementById("view").innerHTML = "<h2 id='welcome'>Welcome, " + me.user + "</h2>";
         });`,
      ),
    ),
  );
  app.post("/api/spa-login", async (c) => {
    const body = await c.req.json().catch(() => ({}));
    if (body.username !== DEMO_USER.username || body.password !== DEMO_USER.password) {
      return c.json({ error: "invalid_credentials" }, 401);
    }
    const session = issue("session");
    sessions.set(session, DEMO_USER.username);
    setCookie(c, "session", session, { httpOnly: true, sameSite: "Lax", path: "/", maxAge: 3600 });
    return c.json({ token: issue("token"), user: DEMO_USER.username });
  });
  app.get("/api/me", (c) => {
    const user = sessions.get(getCookie(c, "session") ?? "");
    return user ? c.json({ user }) : c.json({ error: "unauthenticated" }, 401);
  });

  const sso = new Hono();
  sso.get("/sso/grant", (c) => {
    const code = c.req.query("code") ?? "";
    const back = c.req.query("return") ?? "";
    if (!grants.has(code) || !back.startsWith(appOrigin)) return c.text("bad grant", 400);
    setCookie(c, "sso_session", issue("sso"), { httpOnly: true, sameSite: "Lax", path: "/", maxAge: 7200 });
    const device = issue("device");
    const target = `${back}?code=${encodeURIComponent(code)}`;
    return c.html(
      page(
        "Signing in",
        html`<p>Signing you in…</p>`,
        `localStorage.setItem("sso.device", ${JSON.stringify(device)}); location.replace(${JSON.stringify(target)});`,
      ),
    );
  });

  const appServer = await listen(app, options.appPort ?? 0);
  const ssoServer = await listen(sso, options.ssoPort ?? 0);
  appOrigin = `http://localhost:${(appServer.address() as AddressInfo).port}`;
  ssoOrigin = `http://127.0.0.1:${(ssoServer.address() as AddressInfo).port}`;

  return {
    appOrigin,
    ssoOrigin,
    loginUrl: `${appOrigin}/login`,
    issuedSecrets: () => [...secrets],
    revokeSessions,
    close: async () => {
      await Promise.all([closeServer(appServer), closeServer(ssoServer)]);
    },
  };
}

function listen(app: Hono, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => resolve(server));
    server.once("error", reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    if ("closeAllConnections" in server) server.closeAllConnections();
    server.close(() => resolve());
  });
}
