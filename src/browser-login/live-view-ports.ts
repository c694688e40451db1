import type { BrowserSessionEvent } from "../browser/browser-adapter.ts";
import type { LiveViewSource } from "../browser/live-view-source.ts";
import type { SessionRecord } from "./sessions/session-record.ts";

/**
 * What browser login needs of the self-hosted live view (src/live-view/ implements both; the service
 * wires them in): links to hand out with a session, and a host for the views of the sessions a worker runs.
 */

/** Viewer links of a session (live-view/live-view-links.ts). */
export interface LiveViewLinks {
  /** The address links start with. */
  base(): string;
  /**
   * The viewer links of a session while it is not final: once its worker serves a live view, and
   * before a worker holds it when the deployment's workers serve live views (the page waits meanwhile).
   */
  urlsFor(record: SessionRecord): { liveViewUrl: string; liveViewViewOnlyUrl: string } | undefined;
}

/** A session the worker's live view can show: its tabs and DevTools connections, and its events. */
export interface ViewableSession {
  source: LiveViewSource;
  onEvent(listener: (event: BrowserSessionEvent) => void): () => void;
}

/** A worker's live-view server (live-view/worker-live-view-server.ts). */
export interface LiveViewHost {
  /** `ws://host:port` (`wss://` with TLS), recorded on each viewable session for the API to dial. */
  readonly address: string;
  /** Makes a session viewable; the returned function ends that (and closes its viewers). */
  register(sessionId: string, session: ViewableSession): () => void;
}
