import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";

export interface PinnedRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** How much of the answer's body to keep (the rest is read and dropped); 0 keeps none. */
  maxBodyBytes?: number;
  /** Ends the exchange early (the caller gave up). */
  signal?: AbortSignal;
}

export interface PinnedAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The kept start of the body, as UTF-8 text and as bytes. */
  body: string;
  bytes: Buffer;
  /** The body was longer than `maxBodyBytes`. */
  truncated: boolean;
}

/**
 * Sends one HTTP request to a URL, connecting only to `addresses` (those the address policy checked,
 * so a name that resolves elsewhere by now gains nothing), following no redirect. Resolves with the
 * status, headers and the start of the body; rejects on a network failure, when the whole answer
 * has not come within `timeoutMs`, or when `signal` aborts.
 */
export function pinnedRequest(url: URL, addresses: string[], request: PinnedRequest): Promise<PinnedAnswer> {
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
      let truncated = false;
      res.on("data", (chunk: Buffer) => {
        if (kept + chunk.length > limit) truncated = true;
        if (kept >= limit) return;
        chunks.push(chunk.subarray(0, limit - kept));
        kept += Math.min(chunk.length, limit - kept);
      });
      res.on("end", () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString("utf8"), bytes, truncated });
      });
      res.on("error", reject);
    });
    // A deadline on the whole exchange: a socket timeout alone lets a slow drip of bytes hold on forever.
    const deadline = setTimeout(
      () => req.destroy(new Error(`no answer within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    const abort = () => req.destroy(new Error("the request was cancelled"));
    request.signal?.addEventListener("abort", abort, { once: true });
    if (request.signal?.aborted) abort();
    req.on("close", () => {
      clearTimeout(deadline);
      request.signal?.removeEventListener("abort", abort);
    });
    req.on("error", reject);
    req.end(body);
  });
}
