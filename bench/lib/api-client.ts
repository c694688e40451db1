import { Agent, request } from "node:http";
import { createApiClient as createTypedClient } from "@browser-login-capture/client";

/**
 * fetch over node:http with keep-alive sockets, for the typed client: tight polling loops measure
 * the server rather than undici's machinery.
 */
function leanFetch(agent: Agent) {
  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
    const headers: Record<string, string | number> = {};
    req.headers.forEach((value, name) => {
      headers[name] = value;
    });
    if (body) headers["content-length"] = body.length;
    return new Promise((resolve, reject) => {
      const outgoing = request(
        { agent, host: url.hostname, port: url.port, method: req.method, path: url.pathname + url.search, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            const answer = new Headers();
            for (const [name, value] of Object.entries(res.headers))
              if (value !== undefined) answer.set(name, String(value));
            resolve(
              new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), {
                status,
                headers: answer,
              }),
            );
          });
          res.on("error", reject);
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });
  };
}

/** The typed client (@browser-login-capture/client) over keep-alive sockets, with what autocannon and SSE need besides: the base URL and the headers. */
export function createApiClient(baseUrl: string, apiKey: string, subject = "bench-user") {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const headers = { authorization: `Bearer ${apiKey}`, "x-subject-user-id": subject };
  const client = createTypedClient({ baseUrl, apiKey, subject: { userId: subject }, fetch: leanFetch(agent) });
  return Object.assign(client, { baseUrl: baseUrl.replace(/\/$/, ""), headers, close: () => agent.destroy() });
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** A call and how long it took: request sent → answer read, as this client saw it. */
export async function timed<T>(call: () => Promise<T>): Promise<T & { ms: number }> {
  const started = performance.now();
  const result = await call();
  return Object.assign(result as T & object, { ms: performance.now() - started }) as T & { ms: number };
}
