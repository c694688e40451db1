import { readFileSync } from "node:fs";
import { createRoute, z } from "@hono/zod-openapi";
import type { Env } from "hono";
import type { SessionStore } from "../browser-login/sessions/session-store.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { createApiRouter } from "../http/router.ts";
import { parseViewToken, verifyViewToken } from "./live-view-token.ts";
import { verifyViewerCheck } from "./viewer-check.ts";

const asset = (name: string) => readFileSync(new URL(`./viewer/${name}`, import.meta.url), "utf8");
const PAGE = asset("viewer.html");
const SCRIPT = asset("viewer.js");
const NATIVE_SCRIPT = asset("viewer-native.js");
const STYLE = asset("viewer.css");

const html = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });
const tokenParams = z.object({
  token: z
    .string()
    .openapi({ description: "The link's signed token: the capability to watch (or control) one session" }),
});
const checkQuery = z.object({
  check: z
    .string()
    .optional()
    .openapi({ description: "The app's viewer check, when the deployment asks for one (LIVE_VIEW_VERIFIER_KEY)" }),
});

const viewerPage = createRoute({
  method: "get",
  path: "/live/{token}",
  tags: ["Live view"],
  summary: "The live view page (a session's liveViewUrl)",
  description:
    "For the user's browser, not for API clients: no API key, the token is the capability. The page opens the viewer WebSocket below.",
  request: { params: tokenParams, query: checkQuery },
  responses: {
    200: html("The viewer page"),
    403: html("The page, saying the viewer check failed"),
    404: html("The page, saying the link is not valid (revoked, mistyped, or its session is over)"),
    ...errorResponses([]),
  },
});

const viewerSocket = createRoute({
  method: "get",
  path: "/live/{token}/socket",
  tags: ["Live view"],
  summary: "The live view WebSocket",
  description:
    "Upgrade to WebSocket: frames of the session's tab out, the user's input in (control links only). Opened by the viewer page.",
  request: { params: tokenParams, query: checkQuery },
  responses: { 101: { description: "Switching protocols" } },
});

/**
 * The viewer page and its two files, served by the API without a key: the token in the path is
 * the capability. The page never leaks it onward (no referrer) and is framed only by the origins
 * the operator lists and by the service's own connect page.
 */
export function viewerRoutes(deps: {
  sessions: SessionStore;
  secret: Buffer;
  frameAncestors: string[];
  verifierKey?: string;
}) {
  const routes = createApiRouter<Env>();
  // The socket is taken at the HTTP server's upgrade (api-live-view-relay.ts): listed here for the document only.
  routes.openAPIRegistry.registerPath(viewerSocket);
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

  routes.get("/live-assets/viewer.js", (c) =>
    c.body(SCRIPT, 200, { ...headers, "content-type": "text/javascript; charset=utf-8" }),
  );
  routes.get("/live-assets/viewer-native.js", (c) =>
    c.body(NATIVE_SCRIPT, 200, { ...headers, "content-type": "text/javascript; charset=utf-8" }),
  );
  routes.get("/live-assets/viewer.css", (c) =>
    c.body(STYLE, 200, { ...headers, "content-type": "text/css; charset=utf-8" }),
  );
  routes.openapi(viewerPage, async (c) => {
    const { token } = c.req.valid("param");
    const claimed = parseViewToken(token);
    const record = claimed ? await deps.sessions.get(claimed.sessionId) : undefined;
    const valid = record && verifyViewToken(deps.secret, token, record.liveViewGeneration ?? 0);
    const checked =
      !deps.verifierKey || (claimed && verifyViewerCheck(deps.verifierKey, claimed.sessionId, c.req.query("check")));
    // A refused link still gets the page: its socket says why in words, the same way a revoked one does.
    return c.html(PAGE, !valid ? 404 : !checked ? 403 : 200, headers);
  });
  return routes;
}
