import { createLogger } from "../core/logging/logger.ts";
import { watchProviders } from "../providers/providers-file.ts";
import { startApiService } from "../service/api-process.ts";
import { assertPortsFree, StartupError } from "../service/port-check.ts";
import { loadConfigOrExit, runService } from "../service/run-process.ts";

/** The API alone (docker-compose's `api` service): needs REDIS_URL. Providers reload on SIGHUP or when their file changes. */
const config = loadConfigOrExit();
const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, name: "api" });
await runService({
  config,
  logger,
  async start() {
    if (!config.REDIS_URL)
      throw new StartupError("REDIS_URL is required to run the API on its own (npm start embeds Redis)");
    await assertPortsFree([{ setting: "PORT", port: config.PORT, host: config.HOST }]);
    const providers = watchProviders(config, logger);
    const api = await startApiService(config, config.REDIS_URL, providers, logger).catch((error) => {
      providers.close();
      throw error;
    });
    return {
      async close() {
        await api.close();
        providers.close();
      },
    };
  },
});
