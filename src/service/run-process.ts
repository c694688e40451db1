import type { Logger } from "pino";
import { type Config, loadConfig } from "../core/config.ts";

/**
 * How every entry point lives and dies: a failed start prints one line (no stack) and exits 1; the
 * first SIGTERM or SIGINT, even one that arrives during start-up, closes the service once, in
 * order, and a hard deadline exits anyway, so no path needs a second signal.
 */

/** Time beyond SHUTDOWN_GRACE_MS for draining the API and closing connections and the browser. */
export const SHUTDOWN_MARGIN_MS = 10_000;

export function failStart(error: unknown): never {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

export function loadConfigOrExit(overrides?: NodeJS.ProcessEnv): Config {
  try {
    return loadConfig(overrides);
  } catch (error) {
    failStart(error);
  }
}

export async function runService<S extends { close(): Promise<void> }>(options: {
  config: Config;
  logger: Logger;
  start: () => Promise<S>;
}): Promise<S> {
  const { logger } = options;
  let service: S | undefined;
  let stopping = false;
  const stop = () => {
    logger.info("shutting down");
    const deadlineMs = options.config.SHUTDOWN_GRACE_MS + SHUTDOWN_MARGIN_MS;
    setTimeout(() => {
      logger.error({ deadlineMs }, "shutdown did not finish in time: exiting");
      process.exit(1);
    }, deadlineMs).unref();
    service!.close().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: { message: (error as Error).message } }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return void logger.info({ signal }, "already shutting down");
    stopping = true;
    logger.info({ signal }, "signal received");
    if (service) stop();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  try {
    service = await options.start();
  } catch (error) {
    failStart(error);
  }
  if (stopping) {
    stop();
    return new Promise<never>(() => {});
  }
  return service;
}
