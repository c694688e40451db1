import { loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { loadProviders } from "../runtime/providers.js";
import { closeOnSignals, startApiService } from "../runtime/services.js";

/** The API alone (docker-compose's `api` service): needs REDIS_URL. */
const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL, name: "api" });
if (!config.REDIS_URL) throw new Error("REDIS_URL is required to run the API on its own (npm start embeds Redis)");
const api = await startApiService(config, config.REDIS_URL, loadProviders(config), logger);
closeOnSignals(() => api.close(), logger);
