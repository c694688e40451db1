import type { BrowserSession, OpenSessionRequest } from "../../browser/browser-adapter.ts";
import type { Device } from "../../credentials/device.ts";
import type { BrowserLoginProvider } from "../../providers/provider-schema.ts";
import type { LiveViewHost } from "../live-view-ports.ts";
import type { SessionRecord } from "../sessions/session-record.ts";
import type { SessionStore } from "../sessions/session-store.ts";
import type { StopReason } from "./run-control.ts";

/** What the adapter opens for a login session: its page, time, network rules, seed and device. */
export function loginBrowserRequest(
  sessionId: string,
  record: SessionRecord,
  provider: BrowserLoginProvider,
  {
    remainingMs,
    signal,
    egress,
    renewed,
  }: {
    remainingMs: number;
    signal: AbortSignal;
    egress: OpenSessionRequest["egress"];
    /** A re-login's seed and the device it was captured on. */
    renewed: { state: OpenSessionRequest["seed"]; device?: Device } | undefined;
  },
): OpenSessionRequest {
  const keepAlive = provider.keepAlive;
  return {
    sessionId,
    loginUrl: record.loginUrl,
    // A kept-alive browser outlives the login: the adapter's own backstop must not close it first.
    timeoutMs: remainingMs + (keepAlive?.maxTime ?? 0),
    signal,
    egress,
    seed: renewed?.state,
    dedicatedBrowser: keepAlive !== undefined,
    // A re-login shows the site the device it saw at login; a new one, the person's locale and zone.
    device: renewed?.device ?? {
      locale: record.locale ?? provider.browser?.locale,
      timeZone: record.timeZone ?? provider.browser?.timeZone,
      webgl: provider.browser?.webgl,
    },
  };
}

/**
 * Follows the opened browser for the session: a disconnect ends the run, the live view shown is the
 * tab the person needs, and a browser that offers a self-hosted live view is registered with the
 * worker's live view host (`stopViewing` ends that).
 */
export function followBrowser(
  session: BrowserSession,
  {
    sessions,
    sessionId,
    stop,
    liveView,
  }: { sessions: SessionStore; sessionId: string; stop: (reason: StopReason) => void; liveView?: LiveViewHost },
): { stopViewing: () => void; liveViewAddress: { liveViewAddress?: string } } {
  let shownView = session.liveViewUrl();
  session.onEvent((event) => {
    if (event.type === "disconnected") stop({ status: "failed", error: { code: event.code, message: event.message } });
    // Remote live views are per tab: show the user the tab they need (a popup, then back when it closes).
    if ((event.type === "page-opened" || event.type === "page-closed") && session.liveViewUrl() !== shownView) {
      shownView = session.liveViewUrl();
      void sessions.transition(sessionId, { liveViewUrl: shownView }).catch(() => {});
    }
  });
  const viewSource = liveView && session.liveViewSource?.();
  if (!viewSource) return { stopViewing: () => {}, liveViewAddress: {} };
  return {
    stopViewing: liveView!.register(sessionId, { source: viewSource, onEvent: (l) => session.onEvent(l) }),
    liveViewAddress: { liveViewAddress: liveView!.address },
  };
}
