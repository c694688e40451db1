import { join } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { startDemoSite, type DemoSite } from "../demo/demo-site.js";
import { startEmbeddedRedis } from "../redis/embedded-redis.js";
import { loadProviders } from "./providers.js";
import { startApiService, startWorkerService } from "./services.js";

/**
 * Everything on one machine, for `npm start` and `npm run demo`: Redis as a child process unless
 * REDIS_URL is set, the API, one worker with the configured browser, and (outside production) the
 * bundled demo login site.
 */
export async function startLocalStack(config: Config, logger: Logger) {
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of stops) await stop().catch(() => {});
  };
  try {
    let redisUrl = config.REDIS_URL;
    if (!redisUrl) {
      const redis = await startEmbeddedRedis({ port: Number(process.env.EMBEDDED_REDIS_PORT ?? 6380), dir: join(config.DATA_DIR, "redis") });
      logger.info({ url: redis.url }, "started embedded Redis (set REDIS_URL to use your own)");
      stops.unshift(() => redis.stop());
      redisUrl = redis.url;
    }
    let demo: DemoSite | undefined;
    if (config.DEMO_SITE ?? config.NODE_ENV !== "production") {
      demo = await startDemoSite({ appPort: config.DEMO_PORT, ssoPort: config.DEMO_SSO_PORT });
      stops.unshift(() => demo!.close());
    }
    const providers = loadProviders(config);
    const worker = await startWorkerService(config, redisUrl, providers, logger);
    stops.unshift(() => worker.close());
    const api = await startApiService(config, redisUrl, providers, logger);
    stops.unshift(() => api.close());
    const host = config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST;
    return { baseUrl: `http://${host}:${api.port}`, apiKey: api.apiKey, providers, demo, close };
  } catch (error) {
    await close();
    throw error;
  }
}
