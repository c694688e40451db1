import { request as httpRequest, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";

/**
 * POSTs a body to a URL, connecting only to `addresses` (those the address policy checked), with no
 * redirect followed: a webhook answered with a redirect is a failed delivery. Resolves with the
 * status code; the response body is read and dropped.
 */
export function postWebhook(url: URL, addresses: string[], headers: Record<string, string>, body: string, timeoutMs: number): Promise<number> {
  const checked: LookupFunction = (_host, options, callback) => {
    const all = addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    if ((options as { all?: boolean }).all) (callback as (e: null, a: typeof all) => void)(null, all);
    else callback(null, all[0]!.address, all[0]!.family);
  };
  const options: RequestOptions = {
    method: "POST",
    headers: { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
    lookup: checked,
    timeout: timeoutMs,
  };
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, options, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}
