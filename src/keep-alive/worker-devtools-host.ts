import type { IncomingMessage } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import type { DevToolsHost } from "../browser-login/keep-alive-ports.ts";
import { verifyRelay } from "../live-view/live-view-token.ts";
import { guardCommand } from "./devtools-guard.ts";
import { devToolsHop } from "./devtools-token.ts";

export interface WorkerDevTools extends DevToolsHost {
  /** Takes the upgrade when it is a DevTools hop from the API (`/devtools/<sessionId>`); false otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): boolean;
  close(): void;
}

const PATH = /^\/devtools\/(ls_[a-f0-9]{32})$/;
/** A command from an app: DevTools commands are small; a file's worth of script is plenty. */
export const MAX_COMMAND_BYTES = 16 * 1024 * 1024;
/** What the browser sends (screenshots, DOM snapshots) may be larger. */
const MAX_EVENT_BYTES = 256 * 1024 * 1024;
/** A reader this far behind is cut off rather than buffered for without bound. */
export const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

function refuse(socket: Socket, status: number, code: string) {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${code}`,
  );
}

/**
 * The worker's side of DevTools connections to kept-alive browsers: the API relays each app's
 * connection here on a signed hop (the live view's signing, on its own subject), and each is piped
 * to the session's own browser on loopback, every command passing the guard (devtools-guard.ts).
 * Served on the worker's live-view port, so workers stay private and the hop is TLS where the live
 * view's is.
 */
export function createWorkerDevTools({ secret, logger }: { secret: Buffer; logger: Logger }): WorkerDevTools {
  const registered = new Map<string, { endpoint: string; sockets: Set<WebSocket> }>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_COMMAND_BYTES, perMessageDeflate: false });
  let open = 0;

  function pipe(app: WebSocket, entry: { endpoint: string; sockets: Set<WebSocket> }, sessionId: string) {
    const browser = new WebSocket(entry.endpoint, { maxPayload: MAX_EVENT_BYTES, perMessageDeflate: false });
    const waiting: string[] = [];
    let waitingBytes = 0;
    entry.sockets.add(app);
    open += 1;
    let ended = false;
    const end = (code = 1000, reason = "") => {
      if (ended) return;
      ended = true;
      open -= 1;
      entry.sockets.delete(app);
      browser.terminate();
      if (app.readyState === WebSocket.OPEN) app.close(code, reason);
      else app.terminate();
    };
    const toBrowser = (text: string) => {
      if (browser.readyState === WebSocket.OPEN) return browser.send(text);
      waitingBytes += text.length;
      if (waitingBytes > MAX_COMMAND_BYTES) return end(1009, "too much sent before the browser answered");
      waiting.push(text);
    };
    app.on("message", (data: RawData, isBinary) => {
      if (isBinary) return end(1003, "DevTools speaks text");
      const verdict = guardCommand(String(data));
      if ("close" in verdict) return end(1008, verdict.close);
      if ("refuse" in verdict) {
        const { id, sessionId: target, message } = verdict.refuse;
        return app.send(
          JSON.stringify({ id, ...(target ? { sessionId: target } : {}), error: { code: -32000, message } }),
        );
      }
      toBrowser(verdict.pass);
    });
    browser.on("open", () => {
      for (const text of waiting.splice(0)) browser.send(text);
      waitingBytes = 0;
    });
    browser.on("message", (data: RawData, isBinary) => {
      if (app.readyState !== WebSocket.OPEN) return;
      if (app.bufferedAmount > MAX_BUFFERED_BYTES) return end(1013, "reading too slowly");
      app.send(data, { binary: isBinary });
    });
    browser.on("error", (error) => logger.debug({ sessionId, reason: error.message }, "devtools: browser socket"));
    browser.on("close", () => end(1000, "browser closed"));
    app.on("close", () => end());
    app.on("error", () => end());
  }

  return {
    handleUpgrade(req, socket, head) {
      const sessionId = PATH.exec(req.url ?? "")?.[1];
      if (!sessionId) return false;
      const mode = verifyRelay(secret, devToolsHop(sessionId), req.headers["x-live-view-auth"] as string | undefined);
      if (mode !== "control") {
        refuse(socket, 401, "unauthorized");
        return true;
      }
      const entry = registered.get(sessionId);
      if (!entry) {
        refuse(socket, 404, "session_not_here");
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (registered.get(sessionId) !== entry) return ws.close(1001, "session ended");
        pipe(ws, entry, sessionId);
      });
      return true;
    },
    register(sessionId, endpoint) {
      const entry = { endpoint, sockets: new Set<WebSocket>() };
      registered.set(sessionId, entry);
      return () => {
        if (registered.get(sessionId) === entry) registered.delete(sessionId);
        for (const ws of entry.sockets) ws.close(1001, "session ended");
      };
    },
    connections: () => open,
    close() {
      for (const { sockets } of registered.values()) for (const ws of sockets) ws.terminate();
      registered.clear();
    },
  };
}
