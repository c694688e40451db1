import { request as httpRequest, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";

export interface PinnedRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** How much of the answer's body to keep (the rest is read and dropped); 0 keeps none. */
  maxBodyBytes?: number;
}

/**
 * Sends one HTTP request to a URL, connecting only to `addresses` (those the address policy checked,
 * so a name that resolves elsewhere by now gains nothing), following no redirect. Resolves with the
 * status and the start of the body; rejects on a network failure or when the whole answer
 * has not come within `timeoutMs`.
 */
export function pinnedRequest(
  url: URL,
  addresses: string[],
  request: PinnedRequest,
): Promise<{ status: number; body: string }> {
  const checked: LookupFunction = (_host, options, callback) => {
    const all = addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    if ((options as { all?: boolean }).all) (callback as (e: null, a: typeof all) => void)(null, all);
    else callback(null, all[0]!.address, all[0]!.family);
  };
  const body = request.body;
  const options: RequestOptions = {
    method: request.method,
    headers: {
      ...request.headers,
      ...(body !== undefined ? { "content-length": String(Buffer.byteLength(body)) } : {}),
    },
    lookup: checked,
  };
  const limit = request.maxBodyBytes ?? 0;
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on("data", (chunk: Buffer) => {
        if (kept >= limit) return;
        chunks.push(chunk.subarray(0, limit - kept));
        kept += Math.min(chunk.length, limit - kept);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    // A deadline on the whole exchange: a socket timeout alone lets a slow drip of bytes hold on forever.
    const deadline = setTimeout(
      () => req.destroy(new Error(`no answer within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    req.on("close", () => clearTimeout(deadline));
    req.on("error", reject);
    req.end(body);
  });
}
