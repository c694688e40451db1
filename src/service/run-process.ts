import type { Logger } from "pino";
import { type Config, loadConfig } from "../core/config.ts";
import { scrubUrls } from "../core/logging/scrub-urls.ts";

/**
 * How every entry point lives and dies: a failed start prints one line (no stack) and exits 1; the
 * first SIGTERM or SIGINT, even one that arrives during start-up, closes the service once, in
 * order, and a hard deadline exits anyway, so no path needs a second signal.
 *
 * What ends a running process (docs/operations.md, "What stops a process"):
 * - **Not** a handler's error. Requests, upgrades, sockets and streams have their own boundaries
 *   (src/http/server.ts, the app's onError, the SSE pump); an error that still escapes one, as an
 *   uncaught exception or an unhandled rejection, is a bug in a handler: it is logged (name, code,
 *   message with URLs scrubbed, where in the code) and the process carries on, because ending it
 *   would end every login it holds and let one request stop the service.
 * - **Fatal**: a start that fails (or an error thrown while starting), a part of the process that
 *   stops and that nothing will bring back (npm start's embedded Redis), and a shutdown that overruns
 *   its deadline. The process says so in one line, stops what it holds, and exits 1. Nothing is
 *   restarted in the process: restarting is the supervisor's job (Compose's `restart:`), so a
 *   failure is always seen.
 */

/** Time beyond SHUTDOWN_GRACE_MS for draining the API and closing connections and the browser. */
export const SHUTDOWN_MARGIN_MS = 10_000;

/** One line, its URLs without credentials, query or fragment (a REDIS_URL's password, a token), then exit 1. */
export function failStart(error: unknown): never {
  process.stderr.write(`${scrubUrls(error instanceof Error ? error.message : String(error))}\n`);
  process.exit(1);
}

export function loadConfigOrExit(overrides?: NodeJS.ProcessEnv): Config {
  try {
    return loadConfig(overrides);
  } catch (error) {
    failStart(error);
  }
}

/** Tells the process that a part it cannot do without has stopped: it logs `reason`, stops, and exits 1. */
export type Fatal = (reason: string) => void;

/** An uncaught error as the log shows it: what and where, never a secret it may quote beyond what the logger scrubs. */
function describeUncaught(error: unknown) {
  if (!(error instanceof Error)) return { type: typeof error };
  const frames = (error.stack ?? "")
    .split("\n")
    .filter((line) => line.startsWith("    at "))
    .slice(0, 5)
    .map((line) => line.trim());
  return {
    name: error.name,
    ...((error as NodeJS.ErrnoException).code ? { code: (error as NodeJS.ErrnoException).code } : {}),
    message: error.message,
    at: frames,
  };
}

export async function runService<S extends { close(): Promise<void> }>(options: {
  config: Config;
  logger: Logger;
  start: (fatal: Fatal) => Promise<S>;
}): Promise<S> {
  const { logger } = options;
  let service: S | undefined;
  let stopping = false;
  let exitCode = 0;
  const stop = () => {
    logger.info("shutting down");
    const deadlineMs = options.config.SHUTDOWN_GRACE_MS + SHUTDOWN_MARGIN_MS;
    setTimeout(() => {
      logger.error({ deadlineMs }, "shutdown did not finish in time: exiting");
      process.exit(1);
    }, deadlineMs).unref();
    service!.close().then(
      () => process.exit(exitCode),
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
  const fatal: Fatal = (reason) => {
    if (stopping) return;
    stopping = true;
    exitCode = 1;
    logger.fatal(`fatal: ${reason}; stopping`);
    if (service) stop();
  };
  const onUncaught = (error: unknown, origin: string) => {
    // While starting, nothing is serving yet: the start failed, and says so in one line.
    if (!service && !stopping) failStart(error);
    logger.error({ uncaught: describeUncaught(error), origin }, "uncaught error in a handler: logged, carrying on");
  };
  process.on("uncaughtException", (error, origin) => onUncaught(error, origin));
  process.on("unhandledRejection", (reason) => onUncaught(reason, "unhandledRejection"));
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  try {
    service = await options.start(fatal);
  } catch (error) {
    failStart(error);
  }
  if (stopping) {
    stop();
    return new Promise<never>(() => {});
  }
  return service;
}
