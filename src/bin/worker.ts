import { createLogger } from "../core/logging/logger.ts";
import { watchProviders } from "../providers/providers-file.ts";
import { assertPortsFree, StartupError } from "../service/port-check.ts";
import { loadConfigOrExit, runService } from "../service/run-process.ts";
import { startWorkerService } from "../service/worker-process.ts";

/**
 * A worker alone (docker-compose's `worker` service, or more of them on other machines): needs
 * REDIS_URL. Providers reload on SIGHUP or when their file changes.
 */
const config = loadConfigOrExit();
const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, name: "worker" });
await runService({
  config,
  logger,
  async start() {
    if (!config.REDIS_URL)
      throw new StartupError("REDIS_URL is required to run a worker on its own (npm start embeds Redis)");
    await assertPortsFree([
      ...(config.BROWSER_ADAPTER === "local"
        ? [{ setting: "BROWSER_DEBUG_PORT", port: config.BROWSER_DEBUG_PORT }]
        : []),
      { setting: "METRICS_PORT", port: config.METRICS_PORT, host: config.METRICS_HOST },
    ]);
    const providers = watchProviders(config, logger);
    const worker = await startWorkerService(config, config.REDIS_URL, providers, logger).catch((error) => {
      providers.close();
      throw error;
    });
    return {
      async close() {
        await worker.close();
        providers.close();
      },
    };
  },
});
