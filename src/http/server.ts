import { createServer, type IncomingMessage, STATUS_CODES } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { getRequestListener, RequestError } from "@hono/node-server";
import type { Logger } from "pino";
import { errorBody } from "./errors.ts";

/**
 * What a request may send before any handler sees it. Node's parser refuses request lines and
 * headers beyond `headerBytes` (431); the shell refuses longer request targets (path and query,
 * percent-encoded as sent) with 414. Bodies are limited by the app (BODY_LIMIT_BYTES, 413).
 */
export const HTTP_LIMITS = { headerBytes: 16 * 1024, urlBytes: 8 * 1024 } as const;

export interface HttpServerOptions {
  fetch: (request: Request) => Response | Promise<Response>;
  port: number;
  host: string;
  /** A client must send its request headers within this time. */
  headersTimeoutMs: number;
  /** A client must send its whole request (headers and body) within this time; answering may take longer. */
  requestTimeoutMs: number;
  /**
   * WebSocket upgrades (the live view); true when taken. Other upgrades are answered 404. A handler
   * that throws gets its socket answered 400 (or closed, once it wrote to it); the server carries on.
   */
  onUpgrade?: (req: IncomingMessage, socket: Socket, head: Buffer) => boolean;
  /** Where a handler's failure is told: what failed, never the request's path or body. */
  logger?: Pick<Logger, "warn" | "error">;
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
  HPE_HEADER_OVERFLOW: [
    431,
    "headers_too_large",
    `The request line and headers exceed ${HTTP_LIMITS.headerBytes} bytes`,
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "request_timeout", "The request was not received in time"],
};
const BAD_REQUEST: [number, string, string] = [400, "bad_request", "The request is not valid HTTP"];
const URL_TOO_LONG: [number, string, string] = [
  414,
  "uri_too_long",
  `The request's path and query exceed ${HTTP_LIMITS.urlBytes} bytes`,
];

const NO_HOST: [number, string, string] = [400, "bad_request", "An HTTP/1.1 request needs a Host header"];

/** An answer written straight to the socket (no handler will), then the connection closes. */
function answerOnSocket(socket: Socket, [status, code, message]: [number, string, string]) {
  const body = JSON.stringify(errorBody(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  // A client that does not read its answer does not keep the socket.
  socket.setTimeout(1_000, () => socket.destroy());
}

function answerClientError(error: NodeJS.ErrnoException, socket: Socket) {
  // A response already under way cannot be replaced; a reset connection has no one to answer.
  const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (error.code === "ECONNRESET" || !socket.writable || started) return void socket.destroy();
  answerOnSocket(socket, PARSER_ERRORS[error.code ?? ""] ?? BAD_REQUEST);
}

/**
 * Whether an upgrade is a WebSocket handshake a handler can take (RFC 6455, section 4.2.1): what the
 * `ws` library would otherwise refuse with an HTML page, refused here in the error shape.
 */
function handshakeRefusal(req: IncomingMessage): [number, string, string] | undefined {
  const refuse = (what: string): [number, string, string] => [
    400,
    "bad_request",
    `This is not a valid WebSocket handshake: ${what}`,
  ];
  if (req.method !== "GET") return refuse("the method must be GET");
  if (req.headers.upgrade?.toLowerCase() !== "websocket") return refuse("only WebSocket upgrades are served");
  if (!/^[+/0-9A-Za-z]{22}==$/.test(req.headers["sec-websocket-key"] ?? "")) return refuse("Sec-WebSocket-Key");
  if (req.headers["sec-websocket-version"] !== "13") return refuse("Sec-WebSocket-Version must be 13");
  return undefined;
}

const json = (status: number, code: string, message: string) =>
  new Response(JSON.stringify(errorBody(code, message)), { status, headers: { "content-type": "application/json" } });

/**
 * The API's HTTP server: short timeouts for slow clients, stated limits on what a request sends, JSON
 * answers to malformed requests, an error boundary around every handler, and a drain on close. No
 * request or upgrade, however malformed, reaches the process as an uncaught error.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { logger } = options;
  const handlerFailed = (where: string, error: unknown) =>
    logger?.error(
      { err: { name: (error as Error)?.name, message: (error as Error)?.message }, where },
      "handler failed: answered, carrying on",
    );
  const answer = getRequestListener(options.fetch, {
    hostname: options.host,
    // What @hono/node-server answers with an empty body: a request it cannot turn into a URL (bad
    // Host header, backslash in the path) is the client's; anything else thrown out of the app is ours.
    errorHandler: (error) => {
      if (error instanceof RequestError)
        return json(400, "bad_request", "The request's URL or Host header is not valid");
      handlerFailed("request", error);
      return json(500, "internal_error", "Something went wrong on our side");
    },
  });
  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      // Node checks those timeouts on this interval (30 s by default), so it bounds how late they fire.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(options.headersTimeoutMs / 4))),
      // Stated here rather than left to Node's default or --max-http-header-size.
      maxHeaderSize: HTTP_LIMITS.headerBytes,
      // Node would answer a missing Host with an empty 400; the listener answers it in the error shape.
      requireHostHeader: false,
    },
    (req, res) => {
      const refusal =
        (req.url ?? "").length > HTTP_LIMITS.urlBytes
          ? URL_TOO_LONG
          : req.httpVersion === "1.1" && !req.headers.host
            ? NO_HOST
            : undefined;
      if (refusal) {
        const [status, code, message] = refusal;
        const body = JSON.stringify(errorBody(code, message));
        res.writeHead(status, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          connection: "close",
        });
        return void res.end(body);
      }
      return answer(req, res);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Once listening, an error here is an accept that failed (out of file descriptors under a flood):
  // that connection is lost, the server is not.
  server.on("error", (error: NodeJS.ErrnoException) =>
    logger?.warn({ err: { code: error.code, message: error.message } }, "HTTP server error: carrying on"),
  );
  server.on("clientError", answerClientError);
  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // Node takes its own error listener off an upgraded socket: a reset must not become an uncaught error.
    socket.on("error", () => socket.destroy());
    if ((req.url ?? "").length > HTTP_LIMITS.urlBytes) return answerOnSocket(socket, URL_TOO_LONG);
    const refusal = handshakeRefusal(req);
    if (refusal) return answerOnSocket(socket, refusal);
    let taken = false;
    try {
      taken = options.onUpgrade?.(req, socket, head) ?? false;
    } catch (error) {
      handlerFailed("upgrade", error);
      // Once the handler wrote its handshake, an HTTP answer would be noise on a WebSocket: close it.
      if (socket.bytesWritten > 0 || !socket.writable) return void socket.destroy();
      return answerOnSocket(socket, [400, "bad_request", "This upgrade request could not be served"]);
    }
    if (!taken) answerOnSocket(socket, [404, "not_found", "No WebSocket at this path"]);
  });
  // CONNECT is a proxy's method: Node would close the socket without a word.
  server.on("connect", (_req: IncomingMessage, socket: Socket) => {
    socket.on("error", () => socket.destroy());
    answerOnSocket(socket, [405, "method_not_allowed", "CONNECT is not served here"]);
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
