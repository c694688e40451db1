import type { IncomingMessage } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import type { SessionRecord } from "../browser-login/sessions/session-record.ts";
import type { SessionStore } from "../browser-login/sessions/session-store.ts";
import type { SessionWakeups } from "../browser-login/sessions/wakeups.ts";
import { signRelay } from "../live-view/live-view-token.ts";
import { workerAddressRefusal } from "../live-view/worker-address.ts";
import { devToolsHop, parseDevToolsToken, verifyDevToolsToken } from "./devtools-token.ts";
import { MAX_BUFFERED_BYTES, MAX_COMMAND_BYTES } from "./worker-devtools-host.ts";

export interface DevToolsRelayDeps {
  sessions: SessionStore;
  wakeups: SessionWakeups;
  secret: Buffer;
  /** As the live view's relay: the CA wss:// workers are checked against, and whether plain ws:// may leave this machine. */
  workerCa?: string;
  requireTls?: boolean;
  logger: Logger;
}

export interface DevToolsRelay {
  /** Takes the upgrade when it is a DevTools link (`/devtools/<token>`); false otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): boolean;
  /** DevTools connections relayed now. */
  connections(): number;
  close(): void;
}

const PATH = /^\/devtools\/([^/?#]{1,200})$/;
/** The record is read again this often too, in case a wake-up was lost while Redis reconnected. */
const RECHECK_MS = 5_000;
const CONNECT_TIMEOUT_MS = 10_000;

/** Close codes a WebSocket may send (RFC 6455 and the ws library): others only describe a connection lost. */
const sendableCloseCode = (code: number) =>
  (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);

/** An HTTP refusal on the upgrade's socket, in the API's error shape: Playwright shows its body. */
function refuse(socket: Socket, status: number, code: string, message: string) {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

type Refusal = [status: number, code: string, message: string];
const INVALID: Refusal = [401, "invalid_link", "This DevTools link is not valid (it may have been revoked)"];

/** Why a link opens nothing now; undefined when it does. */
function refusal(secret: Buffer, token: string, record: SessionRecord | undefined): Refusal | undefined {
  if (!record || !verifyDevToolsToken(secret, token, record.devToolsGeneration ?? 0)) return INVALID;
  if (record.status !== "kept_alive" || !record.keepAlive?.devTools || !record.liveViewAddress)
    return [409, "not_kept_alive", `The session's browser is not kept alive (status ${record.status})`];
  return undefined;
}

/**
 * The API's side of DevTools links to kept-alive browsers: an app's `connectOverCDP` reaches the
 * API's own address, and the connection is relayed to the worker holding the browser on a signed hop
 * (the live view's signing and address rules). A revoked link or an ended session cuts its
 * connections at once.
 */
export function createDevToolsRelay(deps: DevToolsRelayDeps): DevToolsRelay {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_COMMAND_BYTES, perMessageDeflate: false });
  const open = new Set<WebSocket>();

  async function serve(req: IncomingMessage, socket: Socket, head: Buffer, token: string) {
    const claimed = parseDevToolsToken(token);
    const record = claimed ? await deps.sessions.get(claimed.sessionId).catch(() => undefined) : undefined;
    const refused = refusal(deps.secret, token, record) ?? (claimed && record ? undefined : INVALID);
    if (refused || !claimed || !record) return refuse(socket, ...(refused ?? INVALID));
    const address = record.liveViewAddress!;
    const bad = workerAddressRefusal(address, deps.requireTls ?? false);
    if (bad) {
      deps.logger.warn({ sessionId: record.id, worker: address, reason: bad }, "devtools: not relaying to the worker");
      return refuse(socket, 502, "worker_unreachable", "The browser's worker cannot be reached");
    }
    const sessionId = claimed.sessionId;
    const worker = new WebSocket(`${address}/devtools/${sessionId}`, {
      headers: { "x-live-view-auth": signRelay(deps.secret, devToolsHop(sessionId), "control") },
      maxPayload: 0,
      perMessageDeflate: false,
      handshakeTimeout: CONNECT_TIMEOUT_MS,
      ...(deps.workerCa ? { ca: deps.workerCa } : {}),
    });
    worker.on("unexpected-response", (_req, res) => {
      res.resume();
      worker.terminate();
    });
    const opened = await new Promise<boolean>((resolve) => {
      worker.once("open", () => resolve(true));
      worker.once("close", () => resolve(false));
      worker.once("error", () => resolve(false));
      socket.once("close", () => resolve(false));
    });
    if (!opened || socket.destroyed) {
      worker.terminate();
      return refuse(socket, 502, "worker_unreachable", "The browser's worker could not be reached");
    }
    wss.handleUpgrade(req, socket, head, (app) => relay(app, worker, sessionId, token));
  }

  function relay(app: WebSocket, worker: WebSocket, sessionId: string, token: string) {
    open.add(app);
    let ended = false;
    const end = (code = 1000, reason = "") => {
      if (ended) return;
      ended = true;
      open.delete(app);
      clearInterval(recheck);
      unsubscribe();
      worker.terminate();
      if (app.readyState === WebSocket.OPEN) app.close(code, reason);
      else app.terminate();
    };
    const check = async () => {
      const record = await deps.sessions.get(sessionId).catch(() => "unreadable" as const);
      if (record === "unreadable" || ended) return;
      const refused = refusal(deps.secret, token, record);
      if (refused) end(refused[0] === 401 ? 4401 : 4409, refused[1]);
    };
    const unsubscribe = deps.wakeups.subscribe(sessionId, () => void check());
    const recheck = setInterval(() => void check(), RECHECK_MS);
    app.on("message", (data: RawData, isBinary) => {
      if (worker.readyState === WebSocket.OPEN) worker.send(data, { binary: isBinary });
    });
    worker.on("message", (data: RawData, isBinary) => {
      if (app.readyState !== WebSocket.OPEN) return;
      if (app.bufferedAmount > MAX_BUFFERED_BYTES) return end(1013, "reading too slowly");
      app.send(data, { binary: isBinary });
    });
    worker.on("close", (code, reason) => end(sendableCloseCode(code) ? code : 1011, String(reason)));
    worker.on("error", () => end(1011, "worker connection failed"));
    app.on("close", () => end());
    app.on("error", () => end());
    // It may have been revoked or ended while the hop was opening.
    void check();
  }

  return {
    handleUpgrade(req, socket, head) {
      const match = PATH.exec(new URL(req.url ?? "/", "http://x").pathname);
      if (!match) return false;
      void serve(req, socket, head, match[1]!).catch((error) => {
        deps.logger.warn({ reason: (error as Error).message }, "devtools: relay failed");
        socket.destroy();
      });
      return true;
    },
    connections: () => open.size,
    close() {
      for (const app of open) app.terminate();
      open.clear();
    },
  };
}
