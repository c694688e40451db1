import type { Logger } from "pino";
import { BrowserAdapterError } from "../../browser/browser-adapter.ts";
import type { SessionError } from "../sessions/session-record.ts";

/** Why a run stopped early: the final state to record, or none when someone else already ended the session. */
export type StopReason = { status: "failed" | "expired"; error: SessionError } | { status: null };

/** Thrown through a run to end it early with its reason. */
export class Stopped extends Error {
  readonly reason: StopReason;
  constructor(reason: StopReason) {
    super("stopped");
    this.reason = reason;
  }
}

export const shutdownStop: StopReason = {
  status: "failed",
  error: {
    code: "worker_shutdown",
    message: "The worker shut down before the login finished; start a new login session",
  },
};

/**
 * How a run is stopped from outside (a cancel, the login timer, a blocked page, a shutdown): `stop`
 * aborts `signal` and makes every `until(work)` the run is waiting on throw Stopped at once.
 */
export function stopControl() {
  let rejectStopped!: (error: Stopped) => void;
  const stopped = new Promise<never>((_, reject) => (rejectStopped = reject));
  stopped.catch(() => {});
  const aborter = new AbortController();
  return {
    signal: aborter.signal,
    /** Ends the run early; `reason` becomes the session's final state. */
    stop(reason: StopReason) {
      aborter.abort();
      rejectStopped(new Stopped(reason));
    },
    /** Aborts what listens to `signal` without stopping the run (its own cleanup). */
    abort: () => aborter.abort(),
    until: <T>(work: Promise<T>) => Promise.race([work, stopped]),
  };
}

export type Until = ReturnType<typeof stopControl>["until"];

/**
 * The app's asks to complete: capture now (`captureOn: complete`), or end a kept-alive browser.
 * `renew` starts waiting for a new ask (the one that asked for the capture does not end the browser).
 */
export function completeRequests() {
  let request!: () => void;
  let wanted!: Promise<void>;
  const renew = () => {
    wanted = new Promise<void>((resolve) => (request = resolve));
  };
  renew();
  return {
    get wanted() {
      return wanted;
    },
    request: () => request(),
    renew,
  };
}

export type CompleteRequests = ReturnType<typeof completeRequests>;

/** The final state a run that threw records: its stop's reason, the browser's failure, or an internal error. */
export function finalStateAfter(
  error: unknown,
  logger: Logger,
): { status: "failed" | "expired"; error: SessionError } | null {
  if (error instanceof Stopped) return error.reason.status ? error.reason : null;
  if (error instanceof BrowserAdapterError)
    return { status: "failed", error: { code: error.code, message: error.message } };
  logger.error(
    { err: { name: (error as Error)?.name, message: (error as Error)?.message?.split("\n")[0] } },
    "session run crashed",
  );
  return {
    status: "failed",
    error: { code: "internal_error", message: "The worker hit an unexpected error while running this session" },
  };
}
