import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { type AddressInfo, connect, isIP, type LookupFunction, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { AddressPolicy } from "./address-policy.ts";

/**
 * A forward proxy on loopback that a browser context sends every request through (plain HTTP
 * forwarded, HTTPS and WebSockets tunnelled with CONNECT). It resolves each host itself, checks
 * the addresses against the policy and connects to the address it checked, so a DNS answer that
 * changes after the check (rebinding) cannot move the connection elsewhere.
 */
export interface BlockedRequest {
  /** Without query or fragment: tokens travel there. */
  url: string;
  host: string;
  reason: string;
}

export interface EgressProxy {
  /** `http://127.0.0.1:<port>`, for the browser's proxy setting. */
  readonly server: string;
  /** Stops listening and cuts every connection still open. Safe to call twice. */
  close(): Promise<void>;
}

/** Connection-level headers of one hop, never forwarded (RFC 9110 §7.6.1, plus the proxy ones). */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

export async function startEgressProxy(
  policy: AddressPolicy,
  onBlocked: (blocked: BlockedRequest) => void,
): Promise<EgressProxy> {
  const open = new Set<Duplex>();
  const track = (socket: Duplex) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
    return socket;
  };
  // The session's own connection pool, dropped with the proxy.
  const agent = new Agent({ keepAlive: true });
  const block = (url: string, host: string, reason: string) => onBlocked({ url, host, reason });

  const server = createServer(async (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? "");
      if (url.protocol !== "http:") throw new Error("not http");
    } catch {
      res.writeHead(400, { "content-type": "text/plain" }).end("This proxy forwards absolute http:// URLs only");
      return;
    }
    const port = Number(url.port || 80);
    const decision = await policy.resolve(url.hostname, port);
    if (!decision.ok) {
      block(`${url.origin}${url.pathname}`, url.host, decision.reason);
      res.writeHead(403, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(
        `<!doctype html><title>Blocked</title><h1>Request blocked</h1><p>This login browser may not reach ${escapeHtml(url.host)}: ${escapeHtml(decision.reason)}.</p>`,
      );
      return;
    }
    const upstream = httpRequest({
      host: bare(url.hostname),
      lookup: pinnedLookup(decision.addresses),
      agent,
      port,
      method: req.method,
      path: `${url.pathname}${url.search}`,
      headers: endToEnd(req.headers),
      setHost: false,
    });
    upstream.on("response", (response) => {
      const headers: string[] = [];
      for (let i = 0; i < response.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has(response.rawHeaders[i]!.toLowerCase()))
          headers.push(response.rawHeaders[i]!, response.rawHeaders[i + 1]!);
      }
      res.writeHead(response.statusCode ?? 502, response.statusMessage, headers);
      response.pipe(res);
    });
    upstream.on("error", () => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { "content-type": "text/plain" }).end(`${url.host} did not answer`);
    });
    // The browser gave up mid-answer: stop the upstream request too (a finished one keeps its pooled socket).
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });

  server.on("connection", track);
  server.on("connect", async (req, client: Socket, head: Buffer) => {
    client.on("error", () => client.destroy());
    let target: URL;
    try {
      target = new URL(`http://${req.url ?? ""}`);
      if (!target.port || target.pathname !== "/") throw new Error("not host:port");
    } catch {
      client.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    const decision = await policy.resolve(target.hostname, Number(target.port));
    if (!decision.ok) {
      block(`https://${target.host}/`, target.host, decision.reason);
      client.end("HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    const upstream = track(
      connect({ host: bare(target.hostname), port: Number(target.port), lookup: pinnedLookup(decision.addresses) }),
    );
    upstream.on("error", () => {
      if (client.writable) client.end("HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      client.destroy();
    });
    upstream.on("connect", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    client.on("close", () => upstream.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    server: `http://127.0.0.1:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
        agent.destroy();
      });
      return closing;
    },
  };
}

/** A DNS lookup that answers with the addresses the policy checked, so the connection cannot go elsewhere. */
function pinnedLookup(addresses: string[]): LookupFunction {
  const all = addresses.map((address) => ({ address, family: isIP(address) }));
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options.all) callback(null, all);
    else callback(null, all[0]!.address, all[0]!.family);
  }) as LookupFunction;
}

/** `[::1]` as URL hosts write it, `::1` as sockets take it. */
function bare(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, "");
}

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) kept[name] = value;
  return kept;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
