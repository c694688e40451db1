import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { errorBody } from "../http/errors.ts";

/** Answers a WebSocket upgrade with an HTTP error in the API's shape, then lets the socket go. */
export function refuseUpgrade(socket: Socket, status: number, code: string, message: string) {
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify(errorBody(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  // A client that does not read its answer does not keep the socket.
  socket.setTimeout(1_000, () => socket.destroy());
}
