import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A provider's API for call_api (a fixture on loopback). `/v1/me` with `Authorization: Bearer <key>`
 * answers the account; `/v1/echo` answers what it was sent (headers, query, body), as a careless API
 * echoes a credential back; `/v1/big` answers `bigBytes` bytes; `/v1/slow` never answers; `/v1/image`
 * answers bytes that hold the key. Any other key gets 401. `/outside` lies outside the API's base URL.
 */
export interface AcmeApi {
  url: string;
  /** The API's base URL, as the provider declares it. */
  base: string;
  requests: Array<{ method: string; path: string; headers: IncomingMessage["headers"] }>;
  close(): Promise<void>;
}

export async function startAcmeApi(key: string, bigBytes = 3 * 1024 * 1024): Promise<AcmeApi> {
  const requests: AcmeApi["requests"] = [];
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const url = new URL(req.url ?? "/", "http://acme");
    requests.push({ method: req.method ?? "", path: url.pathname + url.search, headers: req.headers });
    const authorized = req.headers.authorization === `Bearer ${key}`;
    if (url.pathname === "/v1/slow") return;
    if (!authorized && url.pathname !== "/outside") {
      res.writeHead(401, { "content-type": "application/json" });
      return res.end(JSON.stringify({ error: "invalid key" }));
    }
    switch (url.pathname) {
      case "/v1/me":
        res.writeHead(200, { "content-type": "application/json", "set-cookie": "acme_session=abc; Path=/" });
        return res.end(JSON.stringify({ id: "acct_1", name: "Acme account of alice" }));
      case "/v1/echo":
        res.writeHead(200, { "content-type": "application/json", "x-echo-key": key });
        return res.end(JSON.stringify({ method: req.method, headers: req.headers, query: url.search, body }));
      case "/v1/big":
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end("x".repeat(bigBytes));
      case "/v1/image":
        res.writeHead(200, { "content-type": "image/png" });
        return res.end(
          Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.from(key), Buffer.from([0, 1, 2])]),
        );
      default:
        res.writeHead(404, { "content-type": "application/json" });
        return res.end(JSON.stringify({ error: "not found" }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    base: `${url}/v1/`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
