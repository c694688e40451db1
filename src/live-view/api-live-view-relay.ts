import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import { viewerMessageFor } from "../browser-login/session-messages.ts";
import { isFinal, type SessionRecord } from "../browser-login/sessions/session-record.ts";
import type { SessionStore } from "../browser-login/sessions/session-store.ts";
import type { SessionWakeups } from "../browser-login/sessions/wakeups.ts";
import { refuseUpgrade } from "../http/upgrade-refusal.ts";
import { parseViewToken, signRelay, type ViewMode, verifyViewToken } from "./live-view-token.ts";
import { socketGuard } from "./socket-guard.ts";
import { verifyViewerCheck } from "./viewer-check.ts";
import { VIEWER_LIMITS, viewerRateLimit } from "./viewer-limits.ts";
import { INPUT_MESSAGES, parseViewerMessage } from "./viewer-messages.ts";
import { createViewerSeats, type ViewerSeat } from "./viewer-seats.ts";
import { workerAddressRefusal } from "./worker-address.ts";
import { CLOSE_DISPLACED } from "./worker-live-view-server.ts";

export interface LiveViewRelayDeps {
  sessions: SessionStore;
  wakeups: SessionWakeups;
  secret: Buffer;
  /** LIVE_VIEW_MAX_VIEWERS: viewers per session, counted here too (sockets may wait on a queued session). */
  maxViewers: number;
  /** LIVE_VIEW_VERIFIER_KEY: links then need the app's `?check=` (viewer-check.ts). */
  verifierKey?: string;
  /** LIVE_VIEW_TLS_CA: the CA that wss:// workers' certificates are checked against (default the system's). */
  workerCa?: string;
  /** LIVE_VIEW_REQUIRE_TLS: no plain ws:// hop beyond loopback (worker-address.ts). */
  requireTls?: boolean;
  logger: Logger;
  /** What one viewer may cost (viewer-limits.ts); tests lower them. */
  limits?: typeof VIEWER_LIMITS;
}

export interface LiveViewRelay {
  /**
   * Takes the upgrade when it is a viewer socket (`/live/<token>/socket`); false otherwise. A malformed
   * viewer path is answered 400 here; anything else thrown is answered by the HTTP shell's boundary.
   */
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): boolean;
  /** Viewer sockets connected now. */
  viewers(): number;
  close(): void;
}

const PATH = /^\/live\/([^/]*)\/socket$/;
/** Longer than any token (about 80 characters), with room for percent-escapes. */
const MAX_TOKEN = 200;
/** The record is re-read this often too, in case a pub/sub wake-up was lost while Redis reconnected. */
const RECHECK_MS = 2_000;
const WAITING = new Set(["queued", "starting"]);
const WORKER_UNREACHABLE_MESSAGE =
  "The browser of this session stopped responding (its worker may have stopped). Start a new login if this session does not finish.";
export const VIEWER_CHECK_MESSAGE =
  "This login link must be opened from the app that started it. Go back to the app and open it from there.";
const TOO_MANY_VIEWERS_MESSAGE = "This session already has as many viewers as allowed. Close another view and reload.";
const DISPLACED_MESSAGE =
  "Someone who can act on this page opened it, and this view gave up its place to them. Reload to watch again.";
const TOO_MANY_MESSAGES_MESSAGE =
  "This view sent more input than a person can, and was closed. Reload the page to go on.";
/** Sent to the worker for a frame the relay dropped, so that the next one comes when the viewer can take it. */
const ACK = JSON.stringify({ t: "ack" });

/** The path's token, or undefined when it is not one (a malformed percent-escape, too long). */
function tokenOf(url: string | undefined): { token: string; check: string | null } | "other" | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url ?? "/", "http://x");
  } catch {
    return undefined;
  }
  const match = PATH.exec(parsed.pathname);
  if (!match) return "other";
  if (match[1]!.length > MAX_TOKEN) return undefined;
  try {
    return { token: decodeURIComponent(match[1]!), check: parsed.searchParams.get("check") };
  } catch {
    return undefined; // `%zz`: no token of ours has an escape, let alone a broken one.
  }
}

/**
 * The API's side of the live view: viewers connect to the API's own address, and each socket is
 * relayed to the worker holding the session (its address is on the session record), on a hop
 * signed with the shared secret. The relay also watches the session: revoked links and ended
 * sessions are cut off at once, with a message saying why. Every viewer is bounded here first
 * (viewer-limits.ts): its seat, its messages' size and rate, and what waits in its socket.
 */
export function createLiveViewRelay(deps: LiveViewRelayDeps): LiveViewRelay {
  const limits = deps.limits ?? VIEWER_LIMITS;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  const viewers = new Set<WebSocket>();
  const seats = createViewerSeats(deps.maxViewers);

  function serve(viewer: WebSocket, token: string, viewerCheck: string | null) {
    viewers.add(viewer);
    const claimed = parseViewToken(token);
    const guard = socketGuard(deps.logger, { sessionId: claimed?.sessionId }, () => {
      cleanup();
      viewer.terminate();
    });
    let upstream: WebSocket | undefined;
    let ended = false;
    /** The link held once: failing later means it was revoked, not mistyped. */
    let verified = false;
    let seat: ViewerSeat | undefined;
    let lastStatus = "";
    /** The viewer's size, sent before the worker was reached or to a worker reached again. */
    let viewport: string | undefined;
    let unsubscribe = () => {};
    const rate = viewerRateLimit(limits);
    const recheck = setInterval(
      guard("recheck", () => check()),
      RECHECK_MS,
    );

    const sendJson = (message: object) => viewer.readyState === viewer.OPEN && viewer.send(JSON.stringify(message));
    function end(code: string, message: string, status?: string) {
      if (ended) return;
      ended = true;
      sendJson({ t: "ended", code, status, message });
      cleanup();
      viewer.close(1000, code);
    }
    function cleanup() {
      ended = true;
      clearInterval(recheck);
      unsubscribe();
      seat?.leave();
      upstream?.terminate();
      upstream = undefined;
      viewers.delete(viewer);
    }

    async function check(): Promise<void> {
      if (ended || !claimed) return;
      let record: SessionRecord | undefined;
      try {
        record = await deps.sessions.get(claimed.sessionId);
      } catch {
        return; // Redis briefly away: the next wake-up or recheck decides.
      }
      if (ended) return;
      if (!record || !verifyViewToken(deps.secret, token, record.liveViewGeneration ?? 0)) {
        if (verified)
          return end(
            "link_revoked",
            "This link was revoked by the app and no longer works. Ask the app for a new link.",
          );
        return end(
          "invalid_link",
          "This link is not valid (it may have been revoked, or its session is over). Ask the app for a new link.",
        );
      }
      verified = true;
      // Seated only once the link holds: forged tokens never take a real viewer's place.
      if (!seat) {
        seat = seats.take(claimed.sessionId, claimed.mode, () => end("displaced", DISPLACED_MESSAGE));
        if (!seat) return end("too_many_viewers", TOO_MANY_VIEWERS_MESSAGE);
      }
      if (record.status !== lastStatus) {
        lastStatus = record.status;
        sendJson({ t: "status", status: record.status, message: viewerMessageFor(record) });
      }
      if (isFinal(record.status))
        return end(
          record.error?.code ?? record.status,
          viewerMessageFor(record) ?? "This login session has ended.",
          record.status,
        );
      // A kept-alive browser stays in view: the person may watch, or take over and hand back, at any time.
      if (record.status !== "awaiting_login" && record.status !== "kept_alive") {
        // Logged in: no frame is shown any more, and nothing of the page goes to the viewer.
        upstream?.terminate();
        upstream = undefined;
        return;
      }
      if (!record.liveViewAddress) {
        // A link handed out before a worker took the session, and the one that did shows it another way (Browserbase).
        return end("no_live_view", "This login is not shown on this page. Ask the app for its current link.");
      }
      if (upstream) return;
      const refusal = workerAddressRefusal(record.liveViewAddress, deps.requireTls ?? false);
      if (refusal) {
        deps.logger.warn(
          { sessionId: claimed.sessionId, worker: record.liveViewAddress, reason: refusal },
          "live view: not relaying to the worker",
        );
        return end("worker_unreachable", WORKER_UNREACHABLE_MESSAGE);
      }
      connect(record.liveViewAddress, claimed.sessionId, claimed.mode);
    }

    function connect(address: string, sessionId: string, mode: ViewMode) {
      const ws = new WebSocket(`${address}/sessions/${sessionId}`, {
        headers: { "x-live-view-auth": signRelay(deps.secret, sessionId, mode) },
        maxPayload: 16 * 1024 * 1024,
        // wss:// is verified, certificate and host name, against this CA when given: never skipped.
        ...(deps.workerCa ? { ca: deps.workerCa } : {}),
      });
      upstream = ws;
      let refusal: number | undefined;
      ws.on(
        "unexpected-response",
        guard("worker refusal", (_req, res) => {
          refusal = res.statusCode;
          res.resume();
          ws.terminate();
        }),
      );
      ws.on(
        "open",
        guard("worker open", () => viewport && ws.send(viewport)),
      );
      ws.on(
        "message",
        guard("worker message", (data: RawData, isBinary: boolean) => {
          if (upstream !== ws || viewer.readyState !== viewer.OPEN) return;
          if (isBinary && viewer.bufferedAmount > limits.frameBacklogBytes) {
            // A slow reader gets fewer frames, never a backlog: this one is dropped, and the worker may send the next.
            ws.send(ACK);
            return;
          }
          if (viewer.bufferedAmount > limits.maxBacklogBytes) return end("slow_viewer", "This view stopped reading.");
          viewer.send(data, { binary: isBinary });
        }),
      );
      ws.on(
        "error",
        guard("worker error", (error: Error) => {
          // Not our own aborts (a refusal above, the session logged in or ended): why a worker was not reached.
          if (upstream !== ws || ended || refusal !== undefined) return;
          deps.logger.warn({ sessionId, worker: address, reason: error.message }, "live view: cannot reach the worker");
        }),
      );
      ws.on(
        "close",
        guard("worker close", (code: number) => {
          if (upstream !== ws || ended) return;
          upstream = undefined;
          if (refusal === 429) return end("too_many_viewers", TOO_MANY_VIEWERS_MESSAGE);
          if (code === CLOSE_DISPLACED) return end("displaced", DISPLACED_MESSAGE);
          // The session may have just ended (the worker closes its views then): the record says how.
          return deps.sessions.get(sessionId).then(
            (record) => {
              if (record && (record.status === "awaiting_login" || record.status === "kept_alive")) {
                end("worker_unreachable", WORKER_UNREACHABLE_MESSAGE);
              } else return check();
            },
            () => end("worker_unreachable", "The connection to the browser was lost."),
          );
        }),
      );
    }

    viewer.on(
      "message",
      guard("viewer message", (data: RawData, isBinary: boolean) => {
        if (isBinary || ended) return;
        const text = String(data);
        const message = parseViewerMessage(text);
        const verdict = rate.judge(text.length, message?.t === "mouse" && message.type === "mouseMoved");
        if (verdict === "drop") return;
        if (verdict === "close") return end("too_many_messages", TOO_MANY_MESSAGES_MESSAGE);
        // Only the shapes a viewer may send go on, and a view-only link's input goes nowhere.
        if (!message || (claimed?.mode === "view" && (INPUT_MESSAGES.has(message.t) || message.t === "viewport")))
          return;
        if (message.t === "viewport") viewport = text;
        if (upstream?.readyState !== WebSocket.OPEN) return;
        // The worker takes less than this viewer sends: the rate limit above makes that a stuck worker.
        if (upstream.bufferedAmount > limits.maxBacklogBytes)
          return end("worker_unreachable", WORKER_UNREACHABLE_MESSAGE);
        upstream.send(text);
      }),
    );
    viewer.on(
      "close",
      guard("viewer close", () => cleanup()),
    );
    viewer.on(
      "error",
      guard("viewer error", () => viewer.terminate()),
    );

    if (!claimed) return end("invalid_link", "This link is not valid.");
    if (deps.verifierKey && !verifyViewerCheck(deps.verifierKey, claimed.sessionId, viewerCheck)) {
      return end("viewer_check_failed", VIEWER_CHECK_MESSAGE);
    }
    unsubscribe = deps.wakeups.subscribe(
      claimed.sessionId,
      guard("wake-up", () => check()),
    );
    sendJson({ t: "status", status: "connecting" });
    guard("first check", async () => {
      await check();
      if (!ended && WAITING.has(lastStatus))
        sendJson({ t: "status", status: lastStatus, message: "Waiting for the page…" });
    })();
  }

  return {
    handleUpgrade(req, socket, head) {
      const wanted = tokenOf(req.url);
      if (wanted === "other") return false;
      if (!wanted) {
        refuseUpgrade(socket, 400, "bad_request", "The live view's address is not valid");
        return true;
      }
      // A throw here is the HTTP shell's to answer (src/http/server.ts: 400, or the socket closed).
      wss.handleUpgrade(req, socket, head, (ws) => {
        try {
          serve(ws, wanted.token, wanted.check);
        } catch (error) {
          deps.logger.warn({ err: { name: (error as Error)?.name } }, "live view: a viewer socket failed to start");
          ws.terminate();
        }
      });
      return true;
    },
    viewers: () => viewers.size,
    close() {
      for (const viewer of viewers) viewer.terminate();
      viewers.clear();
    },
  };
}
