import { Agent, request } from "node:http";

export interface ApiResponse {
  status: number;
  body: any;
  /** Request sent → last byte of the answer, as this client saw it. */
  ms: number;
}

/**
 * A lean HTTP client for the service's API: keep-alive sockets and no fetch machinery, so that
 * tight polling loops measure the server rather than the client.
 */
export function createApiClient(baseUrl: string, apiKey: string, subject = "bench-user") {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(baseUrl);
  const headers = { authorization: `Bearer ${apiKey}`, "x-subject-user-id": subject };

  function call(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: payload ? { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // Left as text; the caller checks the status.
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - started });
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  return {
    baseUrl: baseUrl.replace(/\/$/, ""),
    headers,
    call,
    get: (path: string) => call("GET", path),
    post: (path: string, body?: unknown) => call("POST", path, body),
    close: () => agent.destroy(),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
