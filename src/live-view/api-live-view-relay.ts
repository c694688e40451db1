import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import { viewerMessageFor } from "../browser-login/session-messages.ts";
import { isFinal, type SessionRecord } from "../browser-login/sessions/session-record.ts";
import type { SessionStore } from "../browser-login/sessions/session-store.ts";
import type { SessionWakeups } from "../browser-login/sessions/wakeups.ts";
import { parseViewToken, signRelay, verifyViewToken } from "./live-view-token.ts";
import { verifyViewerCheck } from "./viewer-check.ts";
import { workerAddressRefusal } from "./worker-address.ts";

export interface LiveViewRelayDeps {
  sessions: SessionStore;
  wakeups: SessionWakeups;
  secret: Buffer;
  /** LIVE_VIEW_VERIFIER_KEY: links then need the app's `?check=` (viewer-check.ts). */
  verifierKey?: string;
  /** LIVE_VIEW_TLS_CA: the CA that wss:// workers' certificates are checked against (default the system's). */
  workerCa?: string;
  /** LIVE_VIEW_REQUIRE_TLS: no plain ws:// hop beyond loopback (worker-address.ts). */
  requireTls?: boolean;
  logger: Logger;
}

export interface LiveViewRelay {
  /** Takes the upgrade when it is a viewer socket (`/live/<token>/socket`); false otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): boolean;
  /** Viewer sockets connected now. */
  viewers(): number;
  close(): void;
}

const PATH = /^\/live\/([^/?#]{1,200})\/socket$/;
/** The record is re-read this often too, in case a pub/sub wake-up was lost while Redis reconnected. */
const RECHECK_MS = 2_000;
const WAITING = new Set(["queued", "starting"]);
const WORKER_UNREACHABLE_MESSAGE =
  "The browser of this session stopped responding (its worker may have stopped). Start a new login if this session does not finish.";
export const VIEWER_CHECK_MESSAGE =
  "This login link must be opened from the app that started it. Go back to the app and open it from there.";

/**
 * The API's side of the live view: viewers connect to the API's own address, and each socket is
 * relayed to the worker holding the session (its address is on the session record), on a hop
 * signed with the shared secret. The relay also watches the session: revoked links and ended
 * sessions are cut off at once, with a message saying why.
 */
export function createLiveViewRelay(deps: LiveViewRelayDeps): LiveViewRelay {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const viewers = new Set<WebSocket>();

  function serve(viewer: WebSocket, token: string, viewerCheck: string | null) {
    viewers.add(viewer);
    let upstream: WebSocket | undefined;
    let ended = false;
    /** The link held once: failing later means it was revoked, not mistyped. */
    let verified = false;
    let lastStatus = "";
    /** The viewer's size, sent before the worker was reached or to a worker reached again. */
    let viewport: string | undefined;
    let unsubscribe = () => {};
    const recheck = setInterval(() => void check(), RECHECK_MS);
    const claimed = parseViewToken(token);

    const sendJson = (message: object) => viewer.readyState === viewer.OPEN && viewer.send(JSON.stringify(message));
    function end(code: string, message: string, status?: string) {
      if (ended) return;
      ended = true;
      sendJson({ t: "ended", code, status, message });
      cleanup();
      viewer.close(1000, code);
    }
    function cleanup() {
      clearInterval(recheck);
      unsubscribe();
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

    function connect(address: string, sessionId: string, mode: "control" | "view") {
      const ws = new WebSocket(`${address}/sessions/${sessionId}`, {
        headers: { "x-live-view-auth": signRelay(deps.secret, sessionId, mode) },
        maxPayload: 16 * 1024 * 1024,
        // wss:// is verified, certificate and host name, against this CA when given: never skipped.
        ...(deps.workerCa ? { ca: deps.workerCa } : {}),
      });
      upstream = ws;
      let refusal: number | undefined;
      ws.on("unexpected-response", (_req, res) => {
        refusal = res.statusCode;
        res.resume();
        ws.terminate();
      });
      ws.on("open", () => viewport && ws.send(viewport));
      ws.on("message", (data: RawData, isBinary) => {
        if (upstream === ws && viewer.readyState === viewer.OPEN) viewer.send(data, { binary: isBinary });
      });
      ws.on("error", (error) => {
        // Not our own aborts (a refusal above, the session logged in or ended): why a worker was not reached.
        if (upstream !== ws || ended || refusal !== undefined) return;
        deps.logger.warn({ sessionId, worker: address, reason: error.message }, "live view: cannot reach the worker");
      });
      ws.on("close", () => {
        if (upstream !== ws || ended) return;
        upstream = undefined;
        if (refusal === 429)
          return end(
            "too_many_viewers",
            "This session already has as many viewers as allowed. Close another view and reload.",
          );
        // The session may have just ended (the worker closes its views then): the record says how.
        void deps.sessions.get(sessionId).then(
          (record) => {
            if (record && (record.status === "awaiting_login" || record.status === "kept_alive")) {
              end("worker_unreachable", WORKER_UNREACHABLE_MESSAGE);
            } else void check();
          },
          () => end("worker_unreachable", "The connection to the browser was lost."),
        );
      });
    }

    viewer.on("message", (data, isBinary) => {
      if (isBinary) return;
      const text = String(data);
      if (text.startsWith('{"t":"viewport"')) viewport = text;
      if (upstream?.readyState === WebSocket.OPEN) upstream.send(text);
    });
    viewer.on("close", () => {
      ended = true;
      cleanup();
    });
    viewer.on("error", () => viewer.terminate());

    if (!claimed) return end("invalid_link", "This link is not valid.");
    if (deps.verifierKey && !verifyViewerCheck(deps.verifierKey, claimed.sessionId, viewerCheck)) {
      return end("viewer_check_failed", VIEWER_CHECK_MESSAGE);
    }
    unsubscribe = deps.wakeups.subscribe(claimed.sessionId, () => void check());
    sendJson({ t: "status", status: "connecting" });
    void check().then(() => {
      if (!ended && WAITING.has(lastStatus))
        sendJson({ t: "status", status: lastStatus, message: "Waiting for the page…" });
    });
  }

  return {
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? "/", "http://x");
      const match = PATH.exec(url.pathname);
      if (!match) return false;
      const token = decodeURIComponent(match[1]!);
      wss.handleUpgrade(req, socket, head, (ws) => serve(ws, token, url.searchParams.get("check")));
      return true;
    },
    viewers: () => viewers.size,
    close() {
      for (const viewer of viewers) viewer.terminate();
      viewers.clear();
    },
  };
}
