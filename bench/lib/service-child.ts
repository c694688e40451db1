/**
 * One service of the bench in its own process, as deployments run them (docker-compose's `api` and
 * `worker`): `api` or `worker`, configured from the environment exactly like src/bin/api.ts and
 * src/bin/worker.ts, plus an IPC "ready" message carrying the port, so the bench need not parse logs
 * (it runs them at LOG_LEVEL=warn). It stops itself when the bench goes away.
 */
import { loadConfig } from "../../src/core/config.ts";
import { createLogger } from "../../src/core/logging/logger.ts";
import { loadProviders } from "../../src/providers/providers-file.ts";
import { startApiService } from "../../src/service/api-process.ts";
import { startWorkerService } from "../../src/service/worker-process.ts";

const role = process.argv[2];
if (role !== "api" && role !== "worker") throw new Error("usage: service-child.ts api|worker");
const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL, name: `bench-${role}` });
if (!config.REDIS_URL) throw new Error("REDIS_URL is required");
const providers = loadProviders(config);

const service =
  role === "api"
    ? await startApiService(config, config.REDIS_URL, providers, logger)
    : await startWorkerService(config, config.REDIS_URL, providers, logger);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  // A close that hangs (Redis already gone, say) must not leave the process behind; Playwright
  // kills the browser it launched when the process exits.
  setTimeout(() => process.exit(1), 5_000).unref();
  service.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The IPC channel closes when the bench exits, however it exits.
process.on("disconnect", stop);
process.send?.({ type: "ready", port: "port" in service ? service.port : undefined });
