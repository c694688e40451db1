import type { LoginSessions } from "../browser-login/build.ts";
import type { Infra } from "../core/infra.ts";
import type { Metrics } from "../metrics/metrics.ts";
import { createLiveViewRelay } from "./api-live-view-relay.ts";
import { createLiveViewLinks } from "./live-view-links.ts";
import { liveViewSecret } from "./live-view-secret.ts";
import { mintViewerCheck } from "./viewer-check.ts";
import { startWorkerLiveView, type WorkerLiveViewOptions } from "./worker-live-view-server.ts";

/**
 * The API's side: viewer links (handed out from the start when the deployment's workers serve live
 * views), the relay that takes viewer sockets at the HTTP server's upgrade, and the viewer page's settings.
 */
export function buildLiveViewApi(
  infra: Infra,
  { sessions, wakeups }: LoginSessions,
  { publicUrl, metrics }: { publicUrl: () => string; metrics: Metrics },
) {
  const { config, stack } = infra;
  const secret = liveViewSecret(config);
  // BROWSER_ADAPTER and LIVE_VIEW describe the deployment's workers: when they serve live views, a link is handed out at once.
  const links = createLiveViewLinks(secret, publicUrl, {
    fromTheStart: config.LIVE_VIEW && config.BROWSER_ADAPTER === "local",
  });
  const verifierKey = config.LIVE_VIEW_VERIFIER_KEY;
  const relay = createLiveViewRelay({
    sessions,
    wakeups,
    secret,
    verifierKey,
    workerCa: config.LIVE_VIEW_TLS_CA?.pem,
    requireTls: config.LIVE_VIEW_REQUIRE_TLS,
    logger: infra.logger,
  });
  stack.defer(async () => relay.close());
  metrics.watch("blc_live_viewers", () => [{ value: relay.viewers() }]);
  return {
    relay,
    /** What the routes need: links on each session, the viewer page, the check an app's link must carry. */
    routes: {
      links,
      secret,
      // App pages with connect components show the live view in place, as the connect page does.
      frameAncestors: [...config.LIVE_VIEW_FRAME_ANCESTORS, ...config.CONNECT_COMPONENT_ORIGINS],
      verifierKey,
      viewerCheck: verifierKey ? (sessionId: string) => mintViewerCheck(verifierKey, sessionId) : undefined,
    },
  };
}

/**
 * The worker's side: its live-view server, when this worker's browsers are local and the live view is
 * on. `otherUpgrades`: other hops the API makes to the worker, served on the same port.
 */
export async function startLiveViewHost(
  infra: Infra,
  { otherUpgrades }: { otherUpgrades?: WorkerLiveViewOptions["otherUpgrades"] } = {},
) {
  const { config } = infra;
  if (!config.LIVE_VIEW || config.BROWSER_ADAPTER !== "local") return undefined;
  const host = await startWorkerLiveView({
    host: config.LIVE_VIEW_HOST,
    port: config.LIVE_VIEW_PORT,
    advertiseHost: config.LIVE_VIEW_ADVERTISE_HOST,
    tls: config.LIVE_VIEW_TLS_CERT &&
      config.LIVE_VIEW_TLS_KEY && { cert: config.LIVE_VIEW_TLS_CERT.pem, key: config.LIVE_VIEW_TLS_KEY.pem },
    secret: liveViewSecret(config),
    maxViewers: config.LIVE_VIEW_MAX_VIEWERS,
    quality: config.LIVE_VIEW_JPEG_QUALITY,
    pixelBudget: config.LIVE_VIEW_MEGAPIXELS * 1_000_000,
    logger: infra.logger,
    otherUpgrades,
  });
  infra.stack.defer(() => host.close());
  return host;
}
