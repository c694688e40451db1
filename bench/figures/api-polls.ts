import autocannon from "autocannon";
import { cancel, startSession } from "../lib/sessions.ts";
import type { BenchStack } from "../lib/stack.ts";

/**
 * Figure 5: GET /browser-login/:id of one session waiting for login, from 100 connections at once
 * (autocannon, in this process; the API runs in its own process at LOG_LEVEL=warn). On two cores
 * the load generator, the API and Redis share the CPUs: the figure is what one API process does
 * with one core's worth of CPU left to it.
 */
export async function measureApiPolls(stack: BenchStack, durationS: number) {
  const { view } = await startSession(stack, "bench-url", stack.site.loginUrl, 10_000);
  const url = `${stack.api.baseUrl}/browser-login/${view.sessionId}`;
  try {
    // A short run first, so the API's code is compiled hot before the measured run.
    await autocannon({ url, connections: 100, duration: 2, headers: stack.api.headers });
    const result = await autocannon({ url, connections: 100, duration: durationS, headers: stack.api.headers });
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`status polls failed: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return {
      connections: 100,
      durationS,
      requestsPerSecond: Math.round(result.requests.average),
      totalRequests: result.requests.total,
      latencyMs: {
        p50: result.latency.p50,
        p90: result.latency.p90,
        p97_5: result.latency.p97_5,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      errors: result.errors,
      timeouts: result.timeouts,
    };
  } finally {
    await cancel(stack, view.sessionId);
  }
}
