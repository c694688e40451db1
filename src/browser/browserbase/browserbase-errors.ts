import { AbortedByCaller, DeadlineExceeded } from "../../core/deadline.ts";
import { BrowserAdapterError } from "../browser-adapter.ts";
import type { Scrub } from "../secret-scrubber.ts";
import { BrowserbaseApiFailure } from "./browserbase-api.ts";

/** Codes the worker may find in a session's final state when Browserbase is behind it. */
export const BROWSERBASE_ERROR_CODES = {
  authFailed: "browserbase_auth_failed",
  quotaExceeded: "browserbase_quota_exceeded",
  badRequest: "browserbase_bad_request",
  sessionCreateTimeout: "browserbase_session_create_timeout",
  unavailable: "browserbase_unavailable",
  disconnected: "browserbase_disconnected",
  loginPageUnreachable: "login_page_unreachable",
  cancelled: "browserbase_open_cancelled",
  adapterClosed: "adapter_closed",
  misconfigured: "browserbase_misconfigured",
} as const;

/** Where opening a session failed: the same transport error means different things in each. */
export type OpenPhase = "create" | "connect" | "navigate";

const VALID_REGIONS = "us-west-2, us-east-1, eu-central-1, ap-southeast-1";

/**
 * Turns whatever failed while opening a session into a BrowserAdapterError whose message says what
 * to do. Every piece of text that came from elsewhere is scrubbed and cut short.
 */
export function toBrowserbaseError(
  error: unknown,
  phase: OpenPhase,
  scrub: Scrub,
  context: { timeoutMs: number },
): BrowserAdapterError {
  if (error instanceof BrowserAdapterError) return new BrowserAdapterError(error.code, scrub(error.message));
  if (error instanceof AbortedByCaller) return cancelled();
  const detail = scrub(
    shorten(error instanceof BrowserbaseApiFailure ? error.detail : ((error as Error)?.message ?? String(error))),
  );
  const seconds = Math.round(context.timeoutMs / 1000);

  if (error instanceof BrowserbaseApiFailure) {
    switch (error.kind) {
      case "aborted":
        return cancelled();
      case "timeout":
        return new BrowserAdapterError(
          BROWSERBASE_ERROR_CODES.sessionCreateTimeout,
          `Browserbase did not ${phase === "create" ? "create the session" : "answer"} within ${seconds} s. Browserbase may be slow or overloaded: try again; if it keeps happening, check status.browserbase.com.`,
        );
      case "network":
      case "invalid-response":
        return new BrowserAdapterError(
          BROWSERBASE_ERROR_CODES.unavailable,
          `Could not reach the Browserbase API (${detail}). Check the network from the worker, and BROWSERBASE_BASE_URL if it is set.`,
        );
      case "http":
        return fromStatus(error.status ?? 0, detail);
    }
  }
  if (phase === "create" && isTimeout(error)) {
    return new BrowserAdapterError(
      BROWSERBASE_ERROR_CODES.sessionCreateTimeout,
      `Browserbase did not create the session within ${seconds} s. Browserbase may be slow or overloaded: try again; if it keeps happening, check status.browserbase.com. A session created after this is released as soon as it is reported.`,
    );
  }
  if (phase === "connect") {
    if (isTimeout(error)) {
      return new BrowserAdapterError(
        BROWSERBASE_ERROR_CODES.sessionCreateTimeout,
        `The Browserbase session was created but its browser did not accept the DevTools connection within ${seconds} s. Try again; if it keeps happening, check status.browserbase.com.`,
      );
    }
    return new BrowserAdapterError(
      BROWSERBASE_ERROR_CODES.unavailable,
      `Could not connect to the Browserbase session's browser (${detail}). Try again; a firewall must allow outgoing WebSocket (wss) connections to Browserbase.`,
    );
  }
  if (phase === "navigate") {
    return new BrowserAdapterError(
      BROWSERBASE_ERROR_CODES.loginPageUnreachable,
      `The login page did not load in the Browserbase browser (${detail}). Check that the login URL is public: a Browserbase browser cannot reach localhost or a private network.`,
    );
  }
  return new BrowserAdapterError(
    BROWSERBASE_ERROR_CODES.unavailable,
    `Browserbase session could not be opened (${detail}).`,
  );
}

export function cancelled(): BrowserAdapterError {
  return new BrowserAdapterError(
    BROWSERBASE_ERROR_CODES.cancelled,
    "Opening the Browserbase session was cancelled; the session was released.",
  );
}

export function adapterClosed(): BrowserAdapterError {
  return new BrowserAdapterError(BROWSERBASE_ERROR_CODES.adapterClosed, "The browser adapter is shut down");
}

function fromStatus(status: number, detail: string): BrowserAdapterError {
  if (status === 401 || status === 403) {
    return new BrowserAdapterError(
      BROWSERBASE_ERROR_CODES.authFailed,
      `Browserbase refused the credentials (HTTP ${status}: ${detail}). Check BROWSERBASE_API_KEY, and that BROWSERBASE_PROJECT_ID is a project of that key's organisation.`,
    );
  }
  if (status === 404) {
    return new BrowserAdapterError(
      BROWSERBASE_ERROR_CODES.authFailed,
      `Browserbase does not know the project or session (HTTP 404: ${detail}). Check BROWSERBASE_PROJECT_ID (and BROWSERBASE_CONTEXT_ID if set).`,
    );
  }
  if (status === 429 || status === 402) {
    return new BrowserAdapterError(
      BROWSERBASE_ERROR_CODES.quotaExceeded,
      `Browserbase refused a new session: the plan's concurrency or usage limit is reached (HTTP ${status}: ${detail}). Wait for running sessions to end, lower the worker concurrency, or raise the plan's limit.`,
    );
  }
  if (status >= 500 || status === 408) {
    return new BrowserAdapterError(
      BROWSERBASE_ERROR_CODES.unavailable,
      `Browserbase had an internal problem (HTTP ${status}: ${detail}). Try again later; see status.browserbase.com.`,
    );
  }
  return new BrowserAdapterError(
    BROWSERBASE_ERROR_CODES.badRequest,
    `Browserbase rejected the session settings (HTTP ${status}: ${detail}). Check BROWSERBASE_REGION (one of ${VALID_REGIONS}), BROWSERBASE_CONTEXT_ID and BROWSERBASE_PROXIES.`,
  );
}

function isTimeout(error: unknown): boolean {
  const name = (error as Error)?.name ?? "";
  return error instanceof DeadlineExceeded || /timeout/i.test(name);
}

function shorten(text: string): string {
  const line = text.split("\n")[0] ?? text;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
