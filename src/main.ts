import { join } from "node:path";
import { loadConfig } from "./config.js";
import { startDemoSite } from "./demo/demo-site.js";
import { createLogger } from "./logger.js";
import { startEmbeddedRedis } from "./redis/embedded-redis.js";
import { shouldRunHeadless } from "./runtime/build-parts.js";
import { loadProviders } from "./runtime/providers.js";
import { closeOnSignals, startApiService, startWorkerService } from "./runtime/services.js";

/**
 * `npm start`: everything on one machine. Redis as a child process unless REDIS_URL is set, the API,
 * one worker with the local browser, and (in development) the bundled demo login site.
 */
const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL });
const stops: (() => Promise<void>)[] = [];

const redis = config.REDIS_URL ? undefined : await startEmbeddedRedis({ port: Number(process.env.EMBEDDED_REDIS_PORT ?? 6380), dir: join(config.DATA_DIR, "redis") });
const redisUrl = config.REDIS_URL ?? redis!.url;
if (redis) {
  logger.info({ url: redis.url }, "started embedded Redis (set REDIS_URL to use your own)");
  stops.push(() => redis.stop());
}

const demoEnabled = config.DEMO_SITE ?? config.NODE_ENV !== "production";
if (demoEnabled) {
  const demo = await startDemoSite({ appPort: config.DEMO_PORT, ssoPort: config.DEMO_SSO_PORT });
  stops.unshift(() => demo.close());
}

const providers = loadProviders(config);
const worker = await startWorkerService(config, redisUrl, providers, logger);
stops.unshift(() => worker.close());
const api = await startApiService(config, redisUrl, providers, logger);
stops.unshift(() => api.close());

const base = `http://${config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST}:${api.port}`;
const key = api.apiKey ?? "<one of API_KEYS>";
const headless = config.BROWSER_ADAPTER === "local" && shouldRunHeadless(config);
process.stdout.write(`
browser-login-capture is running: ${base}
  browser: ${config.BROWSER_ADAPTER}${config.BROWSER_ADAPTER === "local" ? (headless ? " (headless: no display found, so no window will open; set DISPLAY or run under xvfb-run for a window)" : " (a Chromium window opens for each login)") : ""}
  providers: ${providers.list().map((p) => p.id).join(", ")}

Start a login${demoEnabled ? " on the bundled demo site" : ""}:
  curl -s -X POST ${base}/browser-login/start -H 'authorization: Bearer ${key}' -H 'x-subject-user-id: me' \\
       -H 'content-type: application/json' -d '{"providerId":"${providers.list()[0]!.id}"}'
${demoEnabled ? `Then log in${headless ? "" : " in the window that opens"} as alice / correct-horse, and poll the statusUrl it returns.
Or run \`npm run demo\` to watch a scripted user do all of it.\n` : ""}
`);

closeOnSignals(async () => {
  for (const stop of stops) await stop().catch(() => {});
}, logger);
