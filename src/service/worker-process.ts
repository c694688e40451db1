import type { Logger } from "pino";
import { buildBrowserAdapter } from "../browser/build-browser-adapter.ts";
import { startLoginWorker } from "../browser-login/build.ts";
import type { Config } from "../core/config.ts";
import { startCredentialChecks } from "../credential-checks/build.ts";
import { startDevToolsHost } from "../keep-alive/build.ts";
import { startLiveViewHost } from "../live-view/build.ts";
import { createMetrics } from "../metrics/metrics.ts";
import { metricsTokens } from "../metrics/metrics-routes.ts";
import { startMetricsServer } from "../metrics/metrics-server.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import { startWebhookDelivery } from "../webhooks/build.ts";
import type { ServiceOptions } from "./api-process.ts";
import { openInfra, openSharedParts } from "./infra.ts";
import { explainListenError } from "./port-check.ts";
import { resolveServiceKeys } from "./service-keys.ts";
import { watchSharedSettings } from "./shared-settings.ts";

/**
 * A worker process: a browser adapter, the queue workers of login sessions, credential checks and
 * webhook deliveries, and (local browsers) the live-view server, on connections that wait out Redis
 * restarts. Everything goes on one stack, so a failed start and `close` unwind the same way: checks
 * first, then login sessions (captures in flight get `graceMs`), the browser, deliveries, Redis last.
 */
export async function startWorkerService(
  config: Config,
  redisUrl: string,
  providers: ProviderRegistry,
  logger: Logger,
  options: ServiceOptions = {},
) {
  const metrics = options.metrics ?? createMetrics();
  const stack = new AsyncDisposableStack();
  let graceMs = config.SHUTDOWN_GRACE_MS;
  let metricsPort: number | undefined;
  try {
    // A process of its own serves its own metrics, first, so that a taken port stops it before it holds anything;
    // with a registry shared with the API (npm start) the API serves them.
    if (!options.metrics && config.METRICS_PORT !== undefined) {
      const metricsServer = await startMetricsServer({
        host: config.METRICS_HOST,
        port: config.METRICS_PORT,
        metrics,
        tokens: metricsTokens(resolveServiceKeys(config, logger).keys, config.METRICS_TOKEN),
        logger,
      }).catch((error) => {
        throw explainListenError(error, [{ setting: "METRICS_PORT", port: config.METRICS_PORT! }]);
      });
      stack.defer(() => metricsServer.close(1_000));
      metricsPort = metricsServer.port;
      logger.info({ url: `http://${config.METRICS_HOST}:${metricsServer.port}/metrics` }, "worker metrics listening");
    }
    const infra = await openInfra(config, redisUrl, "worker", logger, stack);
    // Says loudly when a setting this worker must share with the API differs from the API's.
    await watchSharedSettings(infra, providers);
    const shared = await openSharedParts(infra, metrics);
    startWebhookDelivery(infra, shared.webhooks, { eventLog: shared.eventLog, metrics });
    const adapter = await buildBrowserAdapter(config, logger);
    // The login worker closes the adapter when it stops; this one covers a start that fails before it exists.
    stack.defer(() => adapter.close());
    const devTools = startDevToolsHost(infra);
    const liveView = await startLiveViewHost(infra, { otherUpgrades: devTools.handleUpgrade });
    const credentialDeps = { vault: shared.vault, credentialEvents: shared.eventLog, providers, adapter };
    const worker = await startLoginWorker(
      infra,
      { ...shared, ...credentialDeps, liveView, devTools: liveView ? devTools : undefined, metrics },
      () => graceMs,
    );
    await startCredentialChecks(infra, credentialDeps);
    return {
      worker,
      adapter,
      metrics,
      /** The worker's own metrics listener (METRICS_PORT), when it has one. */
      metricsPort,
      /** Stops taking work, lets captures in flight finish within `grace` ms, ends the rest, and closes everything. */
      async close(grace = config.SHUTDOWN_GRACE_MS) {
        graceMs = grace;
        await stack.disposeAsync();
      },
    };
  } catch (error) {
    await stack.disposeAsync().catch(() => {});
    throw error;
  }
}
