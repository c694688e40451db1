import { Hono } from "hono";
import { serviceKeyAuth } from "../http/service-key-auth.ts";
import type { Metrics } from "./metrics.ts";

/**
 * `GET /metrics` in Prometheus's text format, for the API's app and a worker's metrics listener alike.
 * Bearer METRICS_TOKEN (what Prometheus should hold: it reads metrics and nothing else) or an API key.
 */
export function metricsRoutes(metrics: Metrics, tokens: readonly string[]) {
  const routes = new Hono();
  routes.get("/metrics", serviceKeyAuth(tokens), async (c) => {
    c.header("Cache-Control", "no-store");
    return c.body(await metrics.metricsText(), 200, { "Content-Type": metrics.contentType });
  });
  return routes;
}

/** Who may read metrics: the metrics token, when set, besides the API keys. */
export function metricsTokens(apiKeys: readonly string[], metricsToken: string | undefined): string[] {
  return metricsToken ? [metricsToken, ...apiKeys] : [...apiKeys];
}
