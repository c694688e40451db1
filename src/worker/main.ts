import { loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { loadProviders } from "../runtime/providers.js";
import { closeOnSignals, startWorkerService } from "../runtime/services.js";

/** A worker alone (docker-compose's `worker` service, or more of them on other machines): needs REDIS_URL. */
const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL, name: "worker" });
if (!config.REDIS_URL) throw new Error("REDIS_URL is required to run a worker on its own (npm start embeds Redis)");
const worker = await startWorkerService(config, config.REDIS_URL, loadProviders(config), logger);
closeOnSignals(() => worker.close(), logger);
