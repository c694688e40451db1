import { readFileSync } from "node:fs";
import { Hono } from "hono";
import type { SessionStore } from "../sessions/session-store.js";
import { verifyViewToken, parseViewToken } from "./live-view-token.js";
import { verifyViewerCheck } from "./viewer-check.js";

const asset = (name: string) => readFileSync(new URL(`./viewer/${name}`, import.meta.url), "utf8");
const PAGE = asset("viewer.html");
const SCRIPT = asset("viewer.js");
const STYLE = asset("viewer.css");

/**
 * The viewer page and its two files, served by the API without a key: the token in the path is
 * the capability. The page never leaks it onward (no referrer) and is framed only by the origins
 * the operator lists and by the service's own connect page.
 */
export function viewerRoutes(deps: { sessions: SessionStore; secret: Buffer; frameAncestors: string[]; verifierKey?: string }) {
  const routes = new Hono();
  // 'self': the connect page, on this same origin, shows the viewer in place (and may itself be embedded by a listed origin).
  const ancestors = [...deps.frameAncestors, "'self'"].join(" ");
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "connect-src 'self'",
    `frame-ancestors ${ancestors}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const headers = {
    "content-security-policy": csp,
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  };

  routes.get("/live-assets/viewer.js", (c) => c.body(SCRIPT, 200, { ...headers, "content-type": "text/javascript; charset=utf-8" }));
  routes.get("/live-assets/viewer.css", (c) => c.body(STYLE, 200, { ...headers, "content-type": "text/css; charset=utf-8" }));
  routes.get("/live/:token", async (c) => {
    const token = c.req.param("token");
    const claimed = parseViewToken(token);
    const record = claimed ? await deps.sessions.get(claimed.sessionId) : undefined;
    const valid = record && verifyViewToken(deps.secret, token, record.liveViewGeneration ?? 0);
    const checked = !deps.verifierKey || (claimed && verifyViewerCheck(deps.verifierKey, claimed.sessionId, c.req.query("check")));
    // A refused link still gets the page: its socket says why in words, the same way a revoked one does.
    return c.html(PAGE, !valid ? 404 : !checked ? 403 : 200, headers);
  });
  return routes;
}
