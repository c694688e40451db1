import { createServer, type IncomingMessage, type RequestListener, STATUS_CODES } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { Logger } from "pino";
import { type WebSocket, WebSocketServer } from "ws";
import type { LiveViewHost, ViewableSession } from "../browser-login/live-view-ports.ts";
import { verifyRelay } from "./live-view-token.ts";
import { createPixelBudget } from "./pixel-budget.ts";
import { startTabStream } from "./tab-stream.ts";
import { INPUT_MESSAGES, parseViewerMessage } from "./viewer-messages.ts";

export interface WorkerLiveViewOptions {
  host: string;
  port: number;
  /** The host the API dials (this machine's name on the network); default `host`. */
  advertiseHost?: string;
  /** PEM certificate and key: the API then dials wss:// (the hop crosses a network: it carries keystrokes). */
  tls?: { cert: string; key: string };
  secret: Buffer;
  maxViewers: number;
  quality: number;
  /** Device pixels per frame shared by this worker's controlling viewers (pixel-budget.ts). */
  pixelBudget: number;
  logger: Logger;
  /** Other hops the API makes to this worker on the same port (DevTools, src/keep-alive/): true when taken. */
  otherUpgrades?: (req: IncomingMessage, socket: Socket, head: Buffer) => boolean;
}

/** The worker's side of the live view: sessions it holds, served to the API only (signed requests). */
export interface WorkerLiveView extends LiveViewHost {
  close(): Promise<void>;
}

/** Close codes the API relay turns into messages for the viewer. */
export const CLOSE_SESSION_GONE = 4410;

const PATH = /^\/sessions\/(ls_[a-f0-9]{32})$/;

function refuse(socket: Socket, status: number, code: string) {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${code}`,
  );
}

export async function startWorkerLiveView(options: WorkerLiveViewOptions): Promise<WorkerLiveView> {
  const registered = new Map<string, { session: ViewableSession; viewers: Set<WebSocket> }>();
  const pixelBudget = createPixelBudget(options.pixelBudget);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const notFound: RequestListener = (_req, res) => res.writeHead(404).end();
  const server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, notFound)
    : createServer(notFound);
  // A caller that does not trust the certificate (or speaks plain ws://) fails its handshake: its side logs why.
  server.on("tlsClientError", (error) =>
    options.logger.debug({ reason: error.message }, "live view: TLS handshake failed"),
  );

  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (options.otherUpgrades?.(req, socket, head)) return;
    const sessionId = PATH.exec(req.url ?? "")?.[1];
    if (!sessionId) return refuse(socket, 404, "not_found");
    const mode = verifyRelay(options.secret, sessionId, req.headers["x-live-view-auth"] as string | undefined);
    if (!mode) return refuse(socket, 401, "unauthorized");
    const entry = registered.get(sessionId);
    if (!entry) return refuse(socket, 404, "session_not_here");
    if (entry.viewers.size >= options.maxViewers) return refuse(socket, 429, "too_many_viewers");
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (registered.get(sessionId) !== entry) return ws.close(CLOSE_SESSION_GONE, "session ended");
      entry.viewers.add(ws);
      const stream = startTabStream({
        source: entry.session.source,
        onSessionEvent: entry.session.onEvent,
        quality: options.quality,
        control: mode === "control",
        pixelBudget,
        send: (message) => {
          if (ws.readyState === ws.OPEN) ws.send(Buffer.isBuffer(message) ? message : JSON.stringify(message));
        },
      });
      ws.on("message", (data, isBinary) => {
        if (isBinary) return;
        const message = parseViewerMessage(String(data));
        if (!message) return;
        // A view-only link watches: no input, and the controlling viewer's size stays.
        if (mode === "view" && (INPUT_MESSAGES.has(message.t) || message.t === "viewport")) return;
        stream.receive(message);
      });
      ws.on("close", () => {
        entry.viewers.delete(ws);
        void stream.close();
      });
      ws.on("error", () => ws.terminate());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = (options.advertiseHost ?? options.host).replace(/^\[|\]$/g, "");
  const address = `${options.tls ? "wss" : "ws"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
  options.logger.info({ address }, "live view listening for the API");

  return {
    address,
    register(sessionId, session) {
      const entry = { session, viewers: new Set<WebSocket>() };
      registered.set(sessionId, entry);
      return () => {
        if (registered.get(sessionId) === entry) registered.delete(sessionId);
        for (const ws of entry.viewers) ws.close(CLOSE_SESSION_GONE, "session ended");
      };
    },
    async close() {
      for (const { viewers } of registered.values()) for (const ws of viewers) ws.terminate();
      registered.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
