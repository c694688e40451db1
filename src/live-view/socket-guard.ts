import type { Logger } from "pino";

/**
 * An error boundary for one socket's handlers. Viewer sockets carry input from the internet and the
 * worker's from pages anyone writes: a handler that throws (or whose promise rejects) ends that one
 * socket through `onError` and is logged in one line, never reaching the process, which serves every
 * other session (under `npm start` the API and the worker share it).
 */
export function socketGuard(logger: Logger, context: Record<string, unknown>, onError: () => void) {
  let failed = false;
  const fail = (what: string, error: unknown) => {
    // The name and the first line only: messages of lower layers may quote a URL, and tokens travel in it.
    const err = error instanceof Error ? { name: error.name, message: error.message.split("\n")[0] } : String(error);
    logger.warn({ ...context, err }, `live view: ${what} failed; the socket is closed`);
    if (failed) return;
    failed = true;
    try {
      onError();
    } catch {
      // Closing a socket that is already gone.
    }
  };
  return <A extends unknown[]>(what: string, handler: (...args: A) => unknown) =>
    (...args: A): void => {
      try {
        const result = handler(...args);
        if (result instanceof Promise) result.catch((error: unknown) => fail(what, error));
      } catch (error) {
        fail(what, error);
      }
    };
}
