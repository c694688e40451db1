import { createServer } from "node:net";

/**
 * Ports the tests hand to servers they configure (Redis, Chromium's DevTools, METRICS_PORT...).
 * Picked at random below Linux's ephemeral range (32768-60999), where servers listening on port 0
 * get theirs: a port chosen here and bound a moment later cannot be taken meanwhile by one of those.
 * Each port is handed out once per process.
 */
const FIRST = 20_000;
const LAST = 32_000;
const handedOut = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST));
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port between ${FIRST} and ${LAST}`);
}
