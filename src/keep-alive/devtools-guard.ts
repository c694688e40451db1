/**
 * What an app may ask of a kept-alive browser over DevTools. The browser is the session's own
 * process (nothing else runs in it), but it runs on the worker's machine: commands that reach that
 * machine's files (downloads, file uploads from paths, extensions, `file:` pages) or the browser's
 * life are refused; downloads are turned off rather than refused, because Playwright's
 * `connectOverCDP` sets a download behaviour when it attaches.
 */
export type GuardVerdict =
  | { pass: string }
  | { refuse: { id: number; sessionId?: string; message: string } }
  /** Not a DevTools command at all: the connection is closed. */
  | { close: string };

/** Whole domains an app has no business with on our machine. */
const REFUSED_DOMAINS = new Set(["Extensions", "PWA", "SystemInfo"]);

const REFUSED_METHODS = new Set([
  "Browser.close",
  "Browser.crash",
  "Browser.crashGpuProcess",
  "Browser.executeBrowserCommand",
  "Browser.getBrowserCommandLine",
  "Browser.resetPermissions",
  "DOM.setFileInputFiles",
  "Page.crash",
  "Page.setInterceptFileChooserDialog",
  "Target.exposeDevToolsProtocol",
  "Tracing.recordClockSyncMarker",
]);

/** Commands that take a URL to load: only web pages (and blank or data pages) may be opened. */
const URL_PARAMS: Record<string, string> = {
  "Page.navigate": "url",
  "Target.createTarget": "url",
  "Network.loadNetworkResource": "url",
};
const ALLOWED_URL = /^(https?:|about:blank$|data:)/i;

export function guardCommand(text: string): GuardVerdict {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { close: "not JSON" };
  }
  if (typeof message !== "object" || message === null || Array.isArray(message)) return { close: "not a command" };
  const { id, method, params, sessionId } = message as Record<string, unknown>;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || typeof method !== "string" || method.length > 100)
    return { close: "not a command" };
  if (sessionId !== undefined && typeof sessionId !== "string") return { close: "not a command" };
  if (params !== undefined && (typeof params !== "object" || params === null || Array.isArray(params)))
    return { close: "not a command" };
  const refuse = (why: string) => ({ refuse: { id, ...(sessionId ? { sessionId } : {}), message: why } });
  const domain = method.split(".")[0]!;
  if (REFUSED_DOMAINS.has(domain) || REFUSED_METHODS.has(method))
    return refuse(`${method} is not allowed through this endpoint`);
  const p = (params ?? {}) as Record<string, unknown>;
  const urlParam = URL_PARAMS[method];
  if (urlParam && p[urlParam] !== undefined && !(typeof p[urlParam] === "string" && ALLOWED_URL.test(p[urlParam])))
    return refuse(`${method}: only http(s), about:blank and data: URLs are allowed`);
  if (method === "Input.dispatchDragEvent" && (p.data as { files?: unknown } | undefined)?.files !== undefined)
    return refuse("Dragging files from this machine is not allowed");
  if (method === "Browser.setDownloadBehavior" || method === "Page.setDownloadBehavior") {
    const { downloadPath: _path, behavior: _behavior, ...rest } = p;
    return { pass: JSON.stringify({ ...(message as object), params: { ...rest, behavior: "deny" } }) };
  }
  return { pass: text };
}
