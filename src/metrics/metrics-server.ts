import { Hono } from "hono";
import type { Logger } from "pino";
import { errorBody, toErrorResponse } from "../http/errors.ts";
import { type HttpServer, startHttpServer } from "../http/server.ts";
import type { Metrics } from "./metrics.ts";
import { metricsRoutes } from "./metrics-routes.ts";

/**
 * A worker's own small HTTP listener for Prometheus (METRICS_HOST:METRICS_PORT), since a worker has no
 * API to hang `/metrics` on. Same protection and error shape as the API's.
 */
export async function startMetricsServer(options: {
  host: string;
  port: number;
  metrics: Metrics;
  tokens: readonly string[];
  logger?: Logger;
}): Promise<HttpServer> {
  const app = new Hono();
  app.route("/", metricsRoutes(options.metrics, options.tokens));
  app.notFound((c) => c.json(errorBody("not_found", `No route ${c.req.method} ${c.req.path}`), 404));
  // As the API answers errors (refusals keep their status; a failure of ours is a JSON 500, not Hono's plain text).
  app.onError((error, c) =>
    toErrorResponse(error, c, (e) =>
      options.logger?.error(
        { err: { name: (e as Error)?.name, message: (e as Error)?.message } },
        "metrics request failed",
      ),
    ),
  );
  return startHttpServer({
    fetch: app.fetch,
    host: options.host,
    port: options.port,
    headersTimeoutMs: 5_000,
    requestTimeoutMs: 10_000,
    logger: options.logger,
  });
}
