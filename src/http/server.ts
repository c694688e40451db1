import { type IncomingMessage, type Server, STATUS_CODES } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { serve } from "@hono/node-server";
import { errorBody } from "./errors.ts";

export interface HttpServerOptions {
  fetch: (request: Request) => Response | Promise<Response>;
  port: number;
  host: string;
  /** A client must send its request headers within this time. */
  headersTimeoutMs: number;
  /** A client must send its whole request (headers and body) within this time; answering may take longer. */
  requestTimeoutMs: number;
  /** WebSocket upgrades (the live view); true when taken. Other upgrades are refused. */
  onUpgrade?: (req: IncomingMessage, socket: Socket, head: Buffer) => boolean;
}

export interface HttpServer {
  port: number;
  /**
   * Stops accepting connections, lets requests in flight answer (the caller tells long waits to
   * answer now, before calling this), then closes what is left after `drainMs`.
   */
  close(drainMs: number): Promise<void>;
}

/** Why Node's HTTP parser refused a request, in the API's error shape (it would send an empty body). */
const PARSER_ERRORS: Record<string, [status: number, code: string, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, "headers_too_large", "The request headers are too large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "request_timeout", "The request was not received in time"],
};
const BAD_REQUEST: [number, string, string] = [400, "bad_request", "The request is not valid HTTP"];

function answerClientError(error: NodeJS.ErrnoException, socket: Socket) {
  // A response already under way cannot be replaced; a reset connection has no one to answer.
  const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (error.code === "ECONNRESET" || !socket.writable || started) return void socket.destroy();
  const [status, code, message] = PARSER_ERRORS[error.code ?? ""] ?? BAD_REQUEST;
  const body = JSON.stringify(errorBody(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  // A client that does not read its answer does not keep the socket.
  socket.setTimeout(1_000, () => socket.destroy());
}

/** The API's HTTP server: short timeouts for slow clients, JSON answers to malformed requests, and a drain on close. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve(
      {
        fetch: options.fetch,
        port: options.port,
        hostname: options.host,
        serverOptions: {
          headersTimeout: options.headersTimeoutMs,
          requestTimeout: options.requestTimeoutMs,
          // Node checks those timeouts on this interval (30 s by default), so it bounds how late they fire.
          connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(options.headersTimeoutMs / 4))),
        },
      },
      () => resolve(s as Server),
    ) as Server;
    s.once("error", reject);
  });
  server.on("clientError", answerClientError);
  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (!options.onUpgrade?.(req, socket, head)) socket.destroy();
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    close(drainMs) {
      return new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        // close() stops accepting and drops idle keep-alive connections; busy ones end after their answer.
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        // A keep-alive connection that became idle after close() would otherwise wait for its timeout.
        const idle = setInterval(() => server.closeIdleConnections(), 50);
        timer = setTimeout(() => server.closeAllConnections(), drainMs);
        server.once("close", () => clearInterval(idle));
      });
    },
  };
}
