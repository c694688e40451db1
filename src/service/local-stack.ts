import { join } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../core/config.ts";
import { startEmbeddedRedis, stopLeftoverEmbeddedRedis } from "../core/redis/embedded-redis.ts";
import { type DemoSite, startDemoSite } from "../demo/demo-site.ts";
import { createMetrics } from "../metrics/metrics.ts";
import { watchProviders } from "../providers/providers-file.ts";
import { startApiService } from "./api-process.ts";
import { assertPortsFree, explainListenError, type PortSetting } from "./port-check.ts";
import { startWorkerService } from "./worker-process.ts";

/**
 * Everything on one machine, for `npm start` and `npm run demo`: Redis as a child process unless
 * REDIS_URL is set, the API, one worker with the configured browser, and (outside production) the
 * bundled demo login site. `close` stops them in the reverse order: the API (drained), the worker,
 * the demo site, and Redis last, since all the others use it. The embedded Redis exiting on its own
 * is `onFatal`'s to tell (the process stops: nothing here restarts it).
 */
export async function startLocalStack(
  config: Config,
  logger: Logger,
  options: { onFatal?: (reason: string) => void } = {},
) {
  const withDemo = config.DEMO_SITE ?? config.NODE_ENV !== "production";
  const ports: PortSetting[] = [
    { setting: "PORT", port: config.PORT, host: config.HOST },
    ...(config.REDIS_URL ? [] : [{ setting: "EMBEDDED_REDIS_PORT", port: config.EMBEDDED_REDIS_PORT }]),
    ...(withDemo
      ? [
          { setting: "DEMO_PORT", port: config.DEMO_PORT },
          { setting: "DEMO_SSO_PORT", port: config.DEMO_SSO_PORT },
        ]
      : []),
    ...(config.BROWSER_ADAPTER === "local" ? [{ setting: "BROWSER_DEBUG_PORT", port: config.BROWSER_DEBUG_PORT }] : []),
  ];
  const redisDir = join(config.DATA_DIR, "redis");
  if (!config.REDIS_URL && (await stopLeftoverEmbeddedRedis({ port: config.EMBEDDED_REDIS_PORT, dir: redisDir }))) {
    logger.warn(
      { port: config.EMBEDDED_REDIS_PORT },
      "stopped the embedded Redis an earlier run left behind (was it killed with SIGKILL?)",
    );
  }
  await assertPortsFree(ports);

  const stops: (() => Promise<void>)[] = [];
  let closing = false;
  const close = async () => {
    closing = true;
    for (const stop of stops)
      await stop().catch((error) =>
        logger.warn({ err: { message: (error as Error).message } }, "stopping a part failed"),
      );
  };
  try {
    let redisUrl = config.REDIS_URL;
    if (!redisUrl) {
      const redis = await startEmbeddedRedis({ port: config.EMBEDDED_REDIS_PORT, dir: redisDir });
      logger.info({ url: redis.url }, "started embedded Redis (set REDIS_URL to use your own)");
      stops.unshift(() => redis.stop());
      // Nothing restarts it: the service would answer 503 for ever. Stopping says so at once.
      void redis.exited.then(({ code, signal }) => {
        if (!closing)
          options.onFatal?.(`the embedded Redis exited (${signal ?? `code ${code}`}) and nothing restarts it`);
      });
      redisUrl = redis.url;
    }
    let demo: DemoSite | undefined;
    if (withDemo) {
      demo = await startDemoSite({ appPort: config.DEMO_PORT, ssoPort: config.DEMO_SSO_PORT });
      stops.unshift(() => demo!.close());
    }
    const providers = watchProviders(config, logger);
    stops.unshift(async () => providers.close());
    // One registry for both roles: the API's /metrics serves the whole process.
    const metrics = createMetrics();
    const worker = await startWorkerService(config, redisUrl, providers, logger, { metrics });
    stops.unshift(() => worker.close());
    const api = await startApiService(config, redisUrl, providers, logger, { metrics });
    stops.unshift(() => api.close());
    const host = config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST;
    return { baseUrl: `http://${host}:${api.port}`, apiKey: api.apiKey, providers, demo, close };
  } catch (error) {
    await close();
    throw explainListenError(error, ports);
  }
}
