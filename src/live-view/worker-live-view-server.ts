import { createServer, type IncomingMessage, type RequestListener } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { Logger } from "pino";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import type { LiveViewHost, ViewableSession } from "../browser-login/live-view-ports.ts";
import { refuseUpgrade } from "../http/upgrade-refusal.ts";
import { createRelayVerifier } from "./live-view-token.ts";
import { createPixelBudget } from "./pixel-budget.ts";
import { socketGuard } from "./socket-guard.ts";
import { startTabStream } from "./tab-stream.ts";
import { VIEWER_LIMITS, viewerRateLimit } from "./viewer-limits.ts";
import { INPUT_MESSAGES, parseViewerMessage } from "./viewer-messages.ts";
import { createViewerSeats } from "./viewer-seats.ts";

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
  /** What one viewer may cost (viewer-limits.ts); tests lower them. */
  limits?: typeof VIEWER_LIMITS;
  /** Bytes a person may upload to a page's file chooser at once. */
  uploadMaxBytes?: number;
  /** Other hops the API makes to this worker on the same port (DevTools, src/keep-alive/): true when taken. */
  otherUpgrades?: (req: IncomingMessage, socket: Socket, head: Buffer) => boolean;
}

/** The worker's side of the live view: sessions it holds, served to the API only (signed requests). */
export interface WorkerLiveView extends LiveViewHost {
  close(): Promise<void>;
}

/** Close codes the API relay turns into messages for the viewer. */
export const CLOSE_SESSION_GONE = 4410;
/** A controlling viewer took this view-only viewer's place (viewer-seats.ts). */
export const CLOSE_DISPLACED = 4409;

const PATH = /^\/sessions\/(ls_[a-f0-9]{32})$/;

export async function startWorkerLiveView(options: WorkerLiveViewOptions): Promise<WorkerLiveView> {
  const limits = options.limits ?? VIEWER_LIMITS;
  const registered = new Map<string, { session: ViewableSession; viewers: Set<WebSocket> }>();
  const pixelBudget = createPixelBudget(options.pixelBudget);
  const relayHeaders = createRelayVerifier(options.secret);
  const seats = createViewerSeats(options.maxViewers);
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  const notFound: RequestListener = (_req, res) => res.writeHead(404).end();
  const server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, notFound)
    : createServer(notFound);
  // A caller that does not trust the certificate (or speaks plain ws://) fails its handshake: its side logs why.
  server.on("tlsClientError", (error) =>
    options.logger.debug({ reason: error.message }, "live view: TLS handshake failed"),
  );

  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // Node takes its own error listener off an upgraded socket: a reset must not become an uncaught error.
    socket.on("error", () => socket.destroy());
    try {
      if (options.otherUpgrades?.(req, socket, head)) return;
      upgrade(req, socket, head);
    } catch (error) {
      // The same boundary as the API's HTTP shell (src/http/server.ts): one line, this socket only.
      options.logger.warn({ err: { name: (error as Error)?.name } }, "live view: an upgrade failed");
      if (socket.bytesWritten > 0 || !socket.writable) return void socket.destroy();
      refuseUpgrade(socket, 400, "bad_request", "This upgrade request could not be served");
    }
  });

  function upgrade(req: IncomingMessage, socket: Socket, head: Buffer) {
    const sessionId = PATH.exec(req.url ?? "")?.[1];
    if (!sessionId) return refuseUpgrade(socket, 404, "not_found", "No such live view");
    const header = req.headers["x-live-view-auth"];
    const mode = relayHeaders.verify(sessionId, typeof header === "string" ? header : undefined);
    if (!mode) return refuseUpgrade(socket, 401, "unauthorized", "Not signed by the API, or signed before");
    const entry = registered.get(sessionId);
    if (!entry) return refuseUpgrade(socket, 404, "session_not_here", "This worker does not hold that session");
    let closeForPlace = () => {};
    const seat = seats.take(sessionId, mode, () => closeForPlace());
    if (!seat) return refuseUpgrade(socket, 429, "too_many_viewers", "The session has as many viewers as allowed");
    let served = false;
    wss.handleUpgrade(req, socket, head, (ws) => {
      served = true;
      serve(ws, sessionId, mode, entry, seat, (close) => (closeForPlace = close));
    });
    // A handshake that failed (ws answered it and dropped the socket) gives the seat back.
    if (!served) socket.once("close", () => served || seat.leave());
  }

  function serve(
    ws: WebSocket,
    sessionId: string,
    mode: "control" | "view",
    entry: { session: ViewableSession; viewers: Set<WebSocket> },
    seat: { leave(): void },
    onDisplaced: (close: () => void) => void,
  ) {
    const guard = socketGuard(options.logger, { sessionId }, () => ws.terminate());
    if (registered.get(sessionId) !== entry) {
      seat.leave();
      return ws.close(CLOSE_SESSION_GONE, "session ended");
    }
    onDisplaced(() => ws.close(CLOSE_DISPLACED, "a controlling viewer took this place"));
    entry.viewers.add(ws);
    const rate = viewerRateLimit(limits);
    const stream = startTabStream({
      source: entry.session.source,
      onSessionEvent: entry.session.onEvent,
      quality: options.quality,
      control: mode === "control",
      pixelBudget,
      uploadMaxBytes: options.uploadMaxBytes,
      send: guard("send", (message) => {
        if (ws.readyState !== ws.OPEN) return;
        if (Buffer.isBuffer(message)) {
          // The API reads slowly: this frame is dropped rather than queued, and the next may come.
          if (ws.bufferedAmount > limits.frameBacklogBytes)
            return void setImmediate(() => stream.receive({ t: "ack" }));
          return ws.send(message);
        }
        if (ws.bufferedAmount > limits.maxBacklogBytes) return ws.terminate();
        ws.send(JSON.stringify(message));
      }),
    });
    ws.on(
      "message",
      guard("message", (data: RawData, isBinary: boolean) => {
        if (isBinary) return;
        const text = String(data);
        const message = parseViewerMessage(text);
        // The API holds each viewer to these limits already: here they bound a relay gone wrong.
        const verdict = rate.judge(text.length, message?.t === "mouse" && message.type === "mouseMoved");
        if (verdict === "drop") return;
        if (verdict === "close") return ws.close(1008, "too many messages");
        if (!message) return;
        // A view-only link watches: no input, and the controlling viewer's size stays.
        if (mode === "view" && (INPUT_MESSAGES.has(message.t) || message.t === "viewport")) return;
        stream.receive(message);
      }),
    );
    ws.on(
      "close",
      guard("close", () => {
        entry.viewers.delete(ws);
        seat.leave();
        return stream.close();
      }),
    );
    ws.on(
      "error",
      guard("error", () => ws.terminate()),
    );
  }

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
