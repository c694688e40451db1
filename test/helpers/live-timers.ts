import { createHook } from "node:async_hooks";

/**
 * Timers started by the service's own code (anything under `src/` but the demo and its scripted
 * user) that have neither fired nor been cleared: a test asserts this list is empty once a run is
 * over. Counting every timer of the process would also count Playwright's and ioredis's, which
 * come and go on their own.
 */
export function trackServiceTimers() {
  const root = new URL("../../src/", import.meta.url).pathname;
  const live = new Map<number, string>();
  let lastId = 0;
  const hook = createHook({
    init(asyncId, type) {
      if (type !== "Timeout") return;
      lastId = Math.max(lastId, asyncId);
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 30;
      const stack = new Error().stack ?? "";
      Error.stackTraceLimit = limit;
      const frame = stack.split("\n").find((line) => line.includes(root) && !line.includes(`${root}demo/`));
      if (frame) live.set(asyncId, frame.trim());
    },
    // Emitted when a timer is cleared, or after a one-shot timer has fired.
    destroy(asyncId) {
      live.delete(asyncId);
    },
  }).enable();
  return {
    /** Marks now; the returned function lists where each timer started since then and still live was started. */
    mark(): () => string[] {
      const since = lastId;
      return () => [...live].filter(([id]) => id > since).map(([, frame]) => frame);
    },
    stop: () => void hook.disable(),
  };
}
