import type { BrowserSession } from "../../browser/browser-adapter.ts";
import type { BrowserLoginProvider } from "../../providers/provider-schema.ts";
import type { DevToolsHost } from "../keep-alive-ports.ts";
import type { LiveViewHost } from "../live-view-ports.ts";
import type { SessionRecord } from "../sessions/session-record.ts";
import type { SessionStore } from "../sessions/session-store.ts";
import { holdKeptAlive, type KeepAliveEnd } from "./keep-alive.ts";
import { type CompleteRequests, Stopped, type Until } from "./run-control.ts";
import type { WriteBackOnClose } from "./write-back.ts";

export interface HandOffDeps {
  sessions: SessionStore;
  sessionId: string;
  /** Moves the session on under the run's lease (throws Stopped when it was ended elsewhere). */
  move: (patch: Partial<SessionRecord>) => Promise<SessionRecord>;
  until: Until;
  signal: AbortSignal;
  complete: CompleteRequests;
  writeBack: WriteBackOnClose;
  devTools?: DevToolsHost;
  liveView?: LiveViewHost;
}

/**
 * The provider's sessions need a live page: the credential is stored, and the logged-in browser
 * stays open (kept_alive) until the app ends it, its time runs out or the site logs it out; then
 * what the browser holds is stored in place and the session completes. Apps drive it over
 * DevTools through the API; the person's live view stays open.
 */
export async function keepAliveFor(
  deps: HandOffDeps,
  browser: BrowserSession,
  provider: BrowserLoginProvider,
  maxMs: number,
  credential: { id: string; version: number },
  suspect: { suspect?: boolean; suspectReason?: string },
): Promise<KeepAliveEnd> {
  const { sessions, sessionId, move, until, complete } = deps;
  const endsAt = new Date(Date.now() + maxMs).toISOString();
  const endpoint = browser.devToolsEndpoint?.();
  const devTools = endpoint !== undefined && deps.devTools !== undefined && deps.liveView !== undefined;
  const keepAlive = { until: endsAt, devTools };
  complete.renew();
  await move({
    status: "kept_alive",
    credentialId: credential.id,
    completeRequested: false,
    keepAlive,
    ...suspect,
  });
  await sessions.extend(sessionId, Date.parse(endsAt));
  const stopDevTools = devTools ? deps.devTools!.register(sessionId, endpoint!) : () => {};
  let ending: KeepAliveEnd;
  try {
    ending = await until(
      holdKeptAlive(browser, provider, { maxMs, endRequested: complete.wanted, signal: deps.signal }),
    );
  } finally {
    stopDevTools();
  }
  // Like a profile persisted when its browser closes: what the site changed while it was alive is kept.
  // A logged-out browser holds the site's goodbye, not a newer login.
  const writeBack = deps.writeBack.take();
  if (ending !== "logged_out") await writeBack?.();
  const finished = await sessions.transition(sessionId, {
    status: "completed",
    keepAlive: { ...keepAlive, endedAt: new Date().toISOString(), endReason: ending },
  });
  if (!finished.ok) throw new Stopped({ status: null });
  return ending;
}
