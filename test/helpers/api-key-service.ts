import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface ApiKeyService {
  url: string;
  /** Requests it has seen: method, path with query, headers, body. */
  requests: Array<{ method: string; path: string; headers: IncomingMessage["headers"]; body: string }>;
  close(): Promise<void>;
}

/**
 * A service that takes one API key (a fixture, on loopback). `GET /v1/me` with `Authorization: Bearer
 * <key>` answers 200; any other key 401 with a JSON body that quotes the key it was sent back (as
 * careless real services do), so tests can check that the refusal we relay does not. `POST /v1/check`
 * takes `{ "key", "workspace" }` as JSON. `/v1/hang` never answers.
 */
export async function startApiKeyService(acceptedKey: string, acceptedWorkspace = "ws-1"): Promise<ApiKeyService> {
  const requests: ApiKeyService["requests"] = [];
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/v1/hang") return;
    let sent = "";
    let ok = false;
    if (path === "/v1/me") {
      sent = (req.headers.authorization ?? "").replace(/^Bearer /, "");
      ok = sent === acceptedKey;
    } else if (path === "/v1/check") {
      const parsed = JSON.parse(body || "{}") as { key?: string; workspace?: string };
      sent = parsed.key ?? "";
      ok = sent === acceptedKey && parsed.workspace === acceptedWorkspace;
    }
    res.setHeader("content-type", "application/json");
    if (ok) return res.end(JSON.stringify({ id: "acct_1", name: "Fixture account" }));
    res.statusCode = 401;
    res.end(
      JSON.stringify({
        error: {
          type: "invalid_api_key",
          message: `Invalid API key provided: ${sent}. Find your key at https://fixture.test/keys`,
        },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
