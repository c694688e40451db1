import type { CapturedState, Cookie } from "../credentials/captured-state.ts";
import type { Device, DeviceRequest } from "../credentials/device.ts";
import type { AddressPolicy } from "../network/address-policy.ts";
import type { BlockedRequest } from "../network/egress-proxy.ts";
import type { LiveViewSource } from "./live-view-source.ts";

/**
 * The contract between the worker and a place that runs browsers (a local Chromium, Browserbase).
 * The worker never touches a browser API directly: it opens a session, listens to its events,
 * asks for cookies and storage while it checks the provider's success condition, captures, closes.
 */
export interface BrowserAdapter {
  /** "local" or "browserbase": shown in logs and status. */
  readonly kind: string;
  /** Start shared resources (a browser process, a spare context) before the first job needs them. */
  warmUp(): Promise<void>;
  /**
   * Open an isolated browser session and load `loginUrl`; resolves once the page has loaded.
   * Honours `request.signal`: see OpenSessionRequest. Error messages never quote a URL's query,
   * fragment or credentials (tokens travel there).
   */
  openSession(request: OpenSessionRequest): Promise<BrowserSession>;
  /**
   * Sessions that hold a browser now: being opened, or opened and not yet closed. Cheap; for
   * metrics and for tests that check nothing is left behind.
   */
  openSessions(): number;
  /** Close every session still open and the shared resources. Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenSessionRequest {
  sessionId: string;
  loginUrl: string;
  /**
   * How long the whole login session may last, from this call. A backstop for a caller that never
   * closes: once it has passed (with a grace, so that the caller's own timeout acts first) the
   * session ends by itself and reports `disconnected`. Remote browsers are told so they end themselves too.
   */
  timeoutMs: number;
  /**
   * The caller gave up (cancel, timeout, shutdown). An adapter must then reject promptly with a
   * BrowserAdapterError and release whatever it had taken for this session (context, page, remote
   * session), including what arrives after the rejection; an already-aborted signal opens nothing.
   */
  signal?: AbortSignal;
  /**
   * Present for sessions on a client's own login URL: every request of the session (navigations,
   * redirects, subresources, WebSockets) must reach only addresses the policy allows, and each
   * refused one is reported, from the first request of the login page on. The Browserbase adapter
   * ignores it: its browsers are not on our network (docs/egress.md).
   */
  egress?: { policy: AddressPolicy; onBlocked(request: BlockedRequest): void };
  /**
   * Start logged in as a captured state (credential checks, re-login): its cookies are in the
   * session before the first request, and each origin's localStorage and sessionStorage are filled
   * before that origin's pages run their own scripts, into areas still empty (src/browser/storage-seed.ts).
   * Plaintext: held in memory for the session only, never logged or put in an error message.
   */
  seed?: CapturedState;
  /**
   * The device the site should see, fixed before the login page loads: the person's locale and time
   * zone (a new login), or everything recorded at a credential's login (checks, refreshes,
   * re-logins). What is absent is the browser's own or the operator's default. Adapters that cannot
   * set a part (a remote browser's user agent) leave it as their browser has it.
   */
  device?: DeviceRequest;
  /**
   * Run the session in a browser process of its own, whose DevTools endpoint the session offers
   * (`devToolsEndpoint`): for sessions kept alive and driven by an app over DevTools, where a shared
   * browser would expose every other session's context. Adapters whose sessions are remote
   * browsers already (Browserbase) ignore it.
   */
  dedicatedBrowser?: boolean;
}

export interface PageSnapshot {
  pageId: string;
  url: string;
}

export type StorageArea = "localStorage" | "sessionStorage";

export interface StorageValue {
  origin: string;
  value: string;
}

export type BrowserSessionEvent =
  /** A page's main frame now shows `url` (navigation, redirect, history API). */
  | { type: "navigated"; pageId: string; url: string }
  /** A response arrived for a request made by a page of the session. */
  | { type: "response"; pageId: string; url: string; status: number }
  /** Cookies or web storage may have changed: re-read what the condition needs. */
  | { type: "state-changed" }
  /** A new tab or popup; `liveViewUrl` is the view of that tab when the adapter has one per tab. */
  | { type: "page-opened"; pageId: string; url: string; liveViewUrl?: string | null }
  | { type: "page-closed"; pageId: string }
  /** The browser is gone (crash, remote end dropped the connection): the session cannot go on. */
  | { type: "disconnected"; code: string; message: string };

export interface CaptureOptions {
  /** Keep only storage and cookies of these origins; all when absent. */
  origins?: string[];
  indexedDB?: boolean;
}

export interface BrowserSession {
  readonly sessionId: string;
  /** The URL a person opens to see and drive the browser; null when the window is on this machine. */
  liveViewUrl(): string | null;
  /**
   * Optional capability: the tabs and DevTools connections a self-hosted live view streams from
   * (src/live-view/). Present when the browser runs on this machine; absent for remote browsers.
   */
  liveViewSource?(): LiveViewSource;
  pages(): PageSnapshot[];
  /** Every cookie of the session, HttpOnly included. */
  cookies(): Promise<Cookie[]>;
  /** The value of `key` in each open page's storage that has it. */
  readStorage(area: StorageArea, key: string): Promise<StorageValue[]>;
  capture(options: CaptureOptions): Promise<CapturedState>;
  /**
   * Optional capability: the device the site sees (user agent, platform, locale, time zone, viewport,
   * screen), read from the session's first open tab without a script the page could see. Recorded
   * with the credential (src/credentials/device.ts). Undefined when no tab is open.
   */
  device?(): Promise<Device | undefined>;
  /**
   * Optional: the origins any frame of the session has loaded. Their storage, as a capture reads it,
   * is what the site left (an origin missing from the capture was cleared); storage of other origins
   * was never read (credentials/captured-state-merge.ts keeps it as stored).
   */
  visitedOrigins?(): string[];
  /**
   * Optional (sessions opened with `dedicatedBrowser` by a local adapter): the browser's DevTools
   * WebSocket on this machine's loopback (`ws://127.0.0.1:<port>/devtools/browser/<id>`). Only the
   * worker dials it; apps reach it through the API (src/keep-alive/).
   */
  devToolsEndpoint?(): string | undefined;
  /** Subscribe to events of every page of the session; returns the unsubscribe function. */
  onEvent(listener: (event: BrowserSessionEvent) => void): () => void;
  /**
   * Release the browser session (context, remote session). Safe to call twice. `farewell`: words for
   * a person at a window on this machine (a headed local browser), shown for a moment before it
   * closes, so that it does not vanish mid-load; adapters without such a window ignore it. A second
   * call closes at once.
   */
  close(farewell?: string): Promise<void>;
}

/** Thrown by adapters with a code the worker can put in the session's final state. */
export class BrowserAdapterError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = "BrowserAdapterError";
  }
}
