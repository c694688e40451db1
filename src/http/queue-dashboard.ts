import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { HonoAdapter } from "@bull-board/hono";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Queue } from "bullmq";
import { Hono, type MiddlewareHandler } from "hono";
import { errorBody } from "./errors.ts";
import { createServiceKeyMatcher } from "./service-key-auth.ts";

export const QUEUE_DASHBOARD_PATH = "/admin/queues";

export interface QueueDashboardDeps {
  /** The login queue: shown read-only, since the session record is the truth and a login cannot be replayed. */
  loginQueue: Queue;
  /** The webhook queue: an operator may retry failed deliveries from here. */
  webhookQueue: Queue;
  /** Credential checks and the providers' sweeps (their schedulers): read-only, a check is asked again rather than retried. */
  checkQueue?: Queue;
  apiKeys: readonly string[];
}

/**
 * bull-board, the BullMQ dashboard, at /admin/queues for operators holding an API key. A browser
 * cannot add a bearer header to a page load, so the page also takes HTTP Basic authentication with
 * the API key as password (any user name): the browser asks once and sends it with every call the
 * page makes. Job data holds ids only (session, event, endpoint, credential and its owner), so nothing secret is on show.
 */
export function queueDashboard(deps: QueueDashboardDeps) {
  const serverAdapter = new HonoAdapter(serveStatic).setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: [
      new BullMQAdapter(deps.loginQueue, {
        readOnlyMode: true,
        description: "login sessions (one job per session; its outcome is on the session)",
      }),
      new BullMQAdapter(deps.webhookQueue, { allowRetries: true, description: "webhook deliveries" }),
      ...(deps.checkQueue
        ? [
            new BullMQAdapter(deps.checkQueue, {
              readOnlyMode: true,
              description: "credential checks (job data: ids and owner)",
            }),
          ]
        : []),
    ],
    serverAdapter,
    options: { uiConfig: { boardTitle: "browser-login-capture" } },
  });
  const routes = new Hono();
  routes.use(operatorAuth(deps.apiKeys), sameOriginWrites, async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
    c.header("X-Frame-Options", "DENY");
  });
  routes.route("/", serverAdapter.registerPlugin());
  return routes;
}

/** An API key as `Authorization: Bearer <key>` or as the password of HTTP Basic. */
function operatorAuth(keys: readonly string[]): MiddlewareHandler {
  const matches = createServiceKeyMatcher(keys);
  return async (c, next) => {
    const [scheme = "", value = ""] = (c.req.header("authorization") ?? "").split(" ", 2);
    let presented: string | undefined;
    if (/^bearer$/i.test(scheme)) presented = value;
    else if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(value, "base64").toString("utf8");
      presented = decoded.slice(decoded.indexOf(":") + 1);
    }
    if (presented && matches(presented)) return next();
    return c.json(
      errorBody(
        "unauthorized",
        "The queue dashboard needs an API key: Authorization: Bearer <key>, or as the password the browser asks for",
      ),
      401,
      {
        "WWW-Authenticate": 'Basic realm="queue dashboard", charset="UTF-8"',
      },
    );
  };
}

/**
 * A browser sends Basic credentials with any request to this origin, including one another site's
 * page makes: changes (retry, clean, pause) are taken only from the dashboard's own pages.
 */
const sameOriginWrites: MiddlewareHandler = async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  const site = c.req.header("sec-fetch-site");
  const origin = c.req.header("origin");
  // `Origin: null` (sandboxed frames, some redirects) parses to nothing: not this origin either.
  const crossSite =
    (site !== undefined && site !== "same-origin") ||
    (origin !== undefined && URL.parse(origin)?.host !== c.req.header("host"));
  if (crossSite)
    return c.json(
      errorBody("cross_site_request", "Dashboard changes are accepted from the dashboard's own pages only"),
      403,
    );
  return next();
};
