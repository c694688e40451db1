import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { html, raw } from "hono/html";
import { legibilityPage } from "./legibility-page.ts";

/**
 * A small login site for the demo, the tests and the benchmarks. It serves two origins:
 * the app (`http://localhost:<appPort>`) and its single sign-on (`http://127.0.0.1:<ssoPort>`),
 * so a login crosses origins the way real ones do. Paths:
 * - `/login`: form login → SSO grant (second origin, cookie + localStorage) → `/auth/finish` → `/dashboard`.
 * - `/popup`: a button that opens `/login` in a popup, and one that opens `/closing` (a window that closes itself).
 * - `/echo`: a form sent by GET, so what was typed shows in the address.
 * - `/latency`: a black page that turns white and back on each key (the live view's input-to-pixel benchmark).
 * - `/legibility`: a login form's small text on white and on a tint (the live view's image quality benchmark).
 * - `/spa`: a single-page login whose URL never changes; success sets `localStorage["spa.token"]`.
 * - `/login?probe=<url>`: the login page also reaches for `<url>` every way a page can (image, fetch,
 *   WebSocket, and an iframe sent there by a redirect), for the egress tests.
 * - `/dashboard`: shows logged-out visitors a dashboard shell for a moment, then redirects them to `/login`.
 * - `POST /admin/revoke-sessions?user=<name>`: ends that user's sessions server-side (their cookies stop
 *   working), the way a site expires or signs out a session; `revokeSessions()` does the same in-process.
 * - `/held/:key`: answers only once released (or the browser gives up on it); the tests use it to hold a
 *   page at a chosen point: `/slow-login?tag=T` never finishes loading, `/frozen-login?tag=T` loads and
 *   then blocks its own main thread (a synchronous request), so anything asked of the page waits.
 */
export const DEMO_USER = { username: "alice", password: "correct-horse" } as const;

export interface DemoSiteOptions {
  appPort?: number;
  ssoPort?: number;
  /** Added to every login: the dashboard then sets this many extra cookies and storage keys (benchmarks). */
  bulk?: { cookies: number; storageKeys: number };
}

export interface DemoSite {
  appOrigin: string;
  ssoOrigin: string;
  loginUrl: string;
  /** Every secret value the site handed out (cookie values, tokens): tests look for them where they must not be. */
  issuedSecrets(): string[];
  /** Ends every app session of `username` server-side: their session cookies no longer log anyone in. Returns how many. */
  revokeSessions(username?: string): number;
  /** Requests to `/held/<key>` waiting for an answer now. */
  holding(key: string): number;
  /** Answers every request waiting on `/held/<key>`. */
  release(key: string): void;
  close(): Promise<void>;
}

const page = (title: string, body: unknown, script = "") => html`<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}
input,button{display:block;width:100%;margin:.4rem 0;padding:.5rem;font-size:1rem}.error{color:#b00}</style>
</head><body>${body}<script>${raw(script)}</script></body></html>`;

/**
 * Every way a page reaches an address: subresource, redirect (in a frame), script, WebSocket (a CONNECT
 * tunnel). Each asks for its own URL (`via=`), so that the browser cannot fold two into one request.
 */
const withVia = (url: string, via: string) => `${url}${url.includes("?") ? "&" : "?"}via=${via}`;
const probes = (url: string) =>
  html`<div id="probes" data-url="${url}" hidden><img src="${withVia(url, "img")}" alt="" /><iframe id="probe-frame" src="/redirect?to=${encodeURIComponent(withVia(url, "frame"))}"></iframe></div>`;
const PROBE_SCRIPT = `const probe = document.getElementById("probes").dataset.url;
  const via = (v) => probe + (probe.includes("?") ? "&" : "?") + "via=" + v;
  document.getElementById("probes").hidden = false;
  fetch(via("fetch"), { mode: "no-cors" }).catch(() => {});
  try { new WebSocket(via("ws").replace(/^http/, "ws")); } catch {}`;

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

  const app = new Hono();
  app.get("/", (c) =>
    c.html(page("Demo", html`<h1>Demo site</h1><p><a href="/login">Log in</a> · <a href="/popup">Popup login</a> · <a href="/spa">Single-page login</a></p>`)),
  );
  app.get("/login", (c) => {
    const failed = c.req.query("error") === "1";
    const probe = c.req.query("probe");
    return c.html(
      page(
        "Log in",
        html`<h1>Log in to Demo</h1>
          ${probe ? probes(probe) : ""}
          ${failed ? html`<p class="error" id="error">Wrong username or password.</p>` : ""}
          <form method="post" action="/login">
            <input name="username" id="username" placeholder="Username" autocomplete="username" />
            <input name="password" id="password" type="password" placeholder="Password" autocomplete="current-password" />
            <button type="submit" id="submit">Log in</button>
          </form>
          <p>Try <code>${DEMO_USER.username}</code> / <code>${DEMO_USER.password}</code>.</p>`,
        probe ? PROBE_SCRIPT : "",
      ),
    );
  });
  app.get("/redirect", (c) => {
    const to = c.req.query("to") ?? "";
    return /^https?:\/\//.test(to) ? c.redirect(to, 302) : c.text("to must be an http(s) URL", 400);
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
      return c.html(page("Dashboard", html`<h1>Dashboard</h1><p>Loading…</p>`, `setTimeout(() => location.replace("/login"), 300);`));
    }
    const profile = issue("profile");
    const tab = issue("tab");
    const bulk = options.bulk;
    const bulkScript = bulk
      ? `for (let i = 0; i < ${bulk.storageKeys}; i++) localStorage.setItem("bulk." + i, "v" + i + "-${profile}");
         for (let i = 0; i < ${bulk.cookies}; i++) document.cookie = "bulk" + i + "=c" + i + "; path=/; max-age=3600";`
      : "";
    return c.html(
      page(
        "Dashboard",
        html`<h1 id="welcome">Welcome, ${user}</h1><p id="status">You are logged in.</p>`,
        `${bulkScript}
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
  // The fixture's own admin call: the site is on loopback and serves tests and the demo only.
  app.post("/admin/revoke-sessions", (c) => c.json({ revoked: revokeSessions(c.req.query("user") ?? DEMO_USER.username) }));
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
  // A search-like form sent by GET: what was typed shows in the address (live-view text input tests).
  app.get("/echo", (c) =>
    c.html(page("Echo", html`<h1>Echo</h1><form method="get" action="/echo"><input id="q" name="q" /></form><p id="said">${c.req.query("q") ?? ""}</p>`)),
  );
  app.get("/closing", (c) =>
    c.html(page("Closing window", html`<h1>A window that closes</h1><button id="close">Close this window</button>`, `document.getElementById("close").onclick = () => window.close();`)),
  );
  // Every key flips the whole page between black and white: a viewer sees its key arrive in one pixel (live-view benchmark).
  app.get("/latency", (c) =>
    c.html(
      html`<!doctype html><html><head><meta charset="utf-8"><title>Latency</title></head>
        <body style="margin:0;height:100vh;background:#000"><script>
          let dark = true;
          addEventListener("keydown", () => { dark = !dark; document.body.style.background = dark ? "#000" : "#fff"; });
        </script></body></html>`,
    ),
  );
  app.get("/legibility", (c) => c.html(legibilityPage()));
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

  const held = new Map<string, Set<() => void>>();
  const release = (key: string) => [...(held.get(key) ?? [])].forEach((answer) => answer());
  app.get("/held/:key", async (c) => {
    const key = c.req.param("key");
    const signal = c.req.raw.signal;
    await new Promise<void>((resolve) => {
      const waiting = held.get(key) ?? new Set();
      held.set(key, waiting);
      const answer = () => {
        waiting.delete(answer);
        if (waiting.size === 0) held.delete(key);
        signal.removeEventListener("abort", answer);
        resolve();
      };
      waiting.add(answer);
      // The browser closed the page or gave up on the request: nobody waits for the answer any more.
      signal.addEventListener("abort", answer, { once: true });
    });
    return c.body(null, 204);
  });
  const form = html`<form id="spa-form"><input id="username" /><input id="password" type="password" /><button id="submit">Log in</button></form>`;
  app.get("/slow-login", (c) =>
    c.html(page("Slow login", html`<h1>Slow login</h1>${form}<img alt="" src="/held/${c.req.query("tag") ?? "slow"}" />`)),
  );
  app.get("/frozen-login", (c) => {
    const key = JSON.stringify(`/held/${encodeURIComponent(c.req.query("tag") ?? "frozen")}`);
    const freeze = `addEventListener("load", () => setTimeout(() => {
      const request = new XMLHttpRequest();
      request.open("GET", ${key}, false);
      try { request.send(); } catch {}
    }));`;
    return c.html(page("Frozen login", html`<h1>Frozen login</h1>${form}`, freeze));
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
      page("Signing in", html`<p>Signing you in…</p>`, `localStorage.setItem("sso.device", ${JSON.stringify(device)}); location.replace(${JSON.stringify(target)});`),
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
    holding: (key) => held.get(key)?.size ?? 0,
    release,
    close: async () => {
      [...held.keys()].forEach(release);
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
