import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { errorBody } from "./errors.ts";

/**
 * Answers a socket no handler will answer (a refused upgrade, a request the parser or the shell
 * refused) with an HTTP error in the API's shape, then lets the socket go. The shell's, the live
 * view's and the DevTools host's refusals are all this one.
 */
export function refuseUpgrade(socket: Socket, status: number, code: string, message: string) {
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify(errorBody(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  // A client that does not read its answer does not keep the socket.
  socket.setTimeout(1_000, () => socket.destroy());
}
