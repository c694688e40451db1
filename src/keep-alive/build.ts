import type { LoginSessions } from "../browser-login/build.ts";
import type { Infra } from "../core/infra.ts";
import { liveViewSecret } from "../live-view/live-view-secret.ts";
import type { Metrics } from "../metrics/metrics.ts";
import { createDevToolsRelay } from "./api-devtools-relay.ts";
import { createWorkerDevTools } from "./worker-devtools-host.ts";

/**
 * The API's side of kept-alive browsers: the DevTools relay taken at the HTTP server's upgrade, and
 * what the routes need to hand out links (the live view's secret: one secret signs every link and hop).
 */
export function buildKeepAliveApi(
  infra: Infra,
  { sessions, wakeups }: LoginSessions,
  { publicUrl, metrics }: { publicUrl: () => string; metrics: Metrics },
) {
  const { config, stack } = infra;
  const secret = liveViewSecret(config);
  const relay = createDevToolsRelay({
    sessions,
    wakeups,
    secret,
    workerCa: config.LIVE_VIEW_TLS_CA?.pem,
    requireTls: config.LIVE_VIEW_REQUIRE_TLS,
    logger: infra.logger,
  });
  stack.defer(async () => relay.close());
  metrics.watch("blc_devtools_connections", () => [{ value: relay.connections() }]);
  return { relay, routes: { sessions, secret, publicUrl } };
}

/** The worker's side: relays DevTools hops from the API to its kept-alive browsers (on its live-view port). */
export function startDevToolsHost(infra: Infra) {
  const host = createWorkerDevTools({ secret: liveViewSecret(infra.config), logger: infra.logger });
  infra.stack.defer(async () => host.close());
  return host;
}
