import { hash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { errorBody } from "./errors.ts";

/**
 * Tells whether a presented API key is one of the configured keys, in constant time, with one hash
 * per call. Each key's SHA-256 is computed once; the presented key's SHA-256 is compared with every
 * one of them by timingSafeEqual, without stopping at a match. Digests all have the same length, so
 * the time taken tells neither a key's length nor its content nor which key matched. (hono's own
 * comparison hashed both strings with WebCrypto's async SHA-256 for every configured key on every
 * request: the largest cost of a status poll.)
 */
export function createServiceKeyMatcher(keys: readonly string[]): (presented: string) => string | undefined {
  // Node's one-shot hash: half the cost of a createHash/createHmac object per request.
  const digest = (value: string) => hash("sha256", value, "buffer");
  const known = keys.map((key) => {
    const d = digest(key);
    return { digest: d, id: serviceKeyId(d) };
  });
  return (presented) => {
    const candidate = digest(presented);
    let matched: string | undefined;
    for (const { digest: d, id } of known) if (timingSafeEqual(d, candidate)) matched = id;
    return matched;
  };
}

/**
 * How logs, audit entries and events name an API key: `key_` and the first 12 hex digits of its
 * SHA-256. Keys are long random strings, so the prefix identifies one without revealing it.
 */
export function serviceKeyId(sha256: Buffer): string {
  return `key_${sha256.toString("hex").slice(0, 12)}`;
}

/** `Authorization: Bearer <key>` against the configured keys; refusals in the API's error shape. Sets `apiKeyId`. */
export function serviceKeyAuth(keys: readonly string[]): MiddlewareHandler {
  if (keys.length === 0) throw new Error("serviceKeyAuth needs at least one API key");
  const matches = createServiceKeyMatcher(keys);
  return bearerAuth({
    verifyToken: (token, c) => {
      const id = matches(token);
      if (id) c.set("apiKeyId", id);
      return id !== undefined;
    },
    noAuthenticationHeader: { message: errorBody("unauthorized", "Send an API key as Authorization: Bearer <key>") },
    invalidAuthenticationHeader: { message: errorBody("unauthorized", "The Authorization header is malformed") },
    invalidToken: { message: errorBody("unauthorized", "The API key is not valid") },
  });
}
