import { type RawData, WebSocket } from "ws";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * A viewer socket without a page: what someone with a link and a script can do (the `ws` package).
 * It records what it is sent; the test decides what it sends, how fast, and whether it reads.
 */
export interface RawViewer {
  ws: WebSocket;
  /** JSON messages received, in order. */
  messages: any[];
  /** Binary messages (frames) received. */
  frames(): number;
  /** Bytes of frames received. */
  frameBytes(): number;
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  isClosed(): boolean;
  send(message: unknown): void;
  /** The first JSON message `match` accepts, waiting for it. */
  waitForMessage(match: (m: any) => boolean, what: string, timeoutMs?: number): Promise<any>;
  /** Stops reading from the socket (the kernel's buffers then fill, and the sender's). */
  stopReading(): void;
  resumeReading(): void;
  close(): void;
}

/**
 * `url`: a viewer link's socket (`ws://…/live/<token>/socket`) or a worker's, with its signed header.
 * `ack`: acknowledge each frame on arrival, as the viewer page does once it has drawn one (the next
 * frame comes only then); false when the test paces the acks itself.
 */
export function openRawViewer(url: string, headers: Record<string, string> = {}, { ack = true } = {}): RawViewer {
  const ws = new WebSocket(url, { headers, maxPayload: 64 * 1024 * 1024 });
  const messages: any[] = [];
  let frames = 0;
  let frameBytes = 0;
  let isClosed = false;
  ws.on("message", (data: RawData, isBinary) => {
    if (isBinary) {
      frames += 1;
      frameBytes += (data as Buffer).length;
      if (ack) ws.send(JSON.stringify({ t: "ack" }));
    } else messages.push(JSON.parse(String(data)));
  });
  ws.on("error", () => {});
  const opened = new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("unexpected-response", (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    ws.once("error", reject);
  });
  opened.catch(() => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once("close", (code, reason) => {
      isClosed = true;
      resolve({ code, reason: String(reason) });
    }),
  );
  const socket = () => (ws as unknown as { _socket: import("node:net").Socket })._socket;
  return {
    ws,
    messages,
    frames: () => frames,
    frameBytes: () => frameBytes,
    opened,
    closed,
    isClosed: () => isClosed,
    send: (message) =>
      ws.readyState === ws.OPEN && ws.send(typeof message === "string" ? message : JSON.stringify(message)),
    waitForMessage: (match, what, timeoutMs = 15_000) =>
      waitFor(() => messages.find(match), { timeoutMs, what: () => `${what} (received ${JSON.stringify(messages)})` }),
    stopReading: () => socket().pause(),
    resumeReading: () => socket().resume(),
    close: () => ws.terminate(),
  };
}

/** A viewer link (http://…/live/<token>) as the address of its socket. */
export const socketOf = (liveViewUrl: string) => `${liveViewUrl.replace(/^http/, "ws")}/socket`;
