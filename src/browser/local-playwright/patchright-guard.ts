/**
 * patchright-core (1.63) turns request interception on for each new page without waiting for the
 * answer: when the page closes before Chromium answers (a popup a site opens and closes at once, a
 * page made as its browser shuts down), the rejected promise has no handler. Unhandled, Node's
 * default would end the worker and every login it holds. This guard ignores exactly that rejection
 * while an adapter is open, and nothing else: when no other handler is installed, any other
 * unhandled rejection still ends the process as it would have.
 */
let users = 0;

function isInterceptionOnClosedPage(reason: unknown): boolean {
  if (!(reason instanceof Error)) return false;
  const method = (reason as Error & { method?: unknown }).method;
  return (
    (method === "Network.setCacheDisabled" || method === "Fetch.enable" || method === "Fetch.disable") &&
    /closed|crashed/i.test(reason.message) &&
    /setRequestInterception/.test(reason.stack ?? "")
  );
}

function onUnhandledRejection(reason: unknown): void {
  if (isInterceptionOnClosedPage(reason)) return;
  // Another handler (the process's own policy) decides; alone, this one keeps Node's default.
  if (process.listenerCount("unhandledRejection") === 1) throw reason;
}

/** Installs the guard for one adapter; the returned function removes it once no adapter needs it. */
export function guardPatchrightRejections(): () => void {
  if (users++ === 0) process.on("unhandledRejection", onUnhandledRejection);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--users === 0) process.off("unhandledRejection", onUnhandledRejection);
  };
}
