import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The MAC behind every signed link and hop (viewer links, the API-to-worker relay, connect links):
 * HMAC-SHA-256 of a text that starts with its purpose (`view|`, `relay|`, `connect|`), so one
 * secret can sign them all without one kind of token passing for another. Truncated to `bytes`.
 */
export function hmacTag(secret: Buffer, text: string, bytes = 32): Buffer {
  return createHmac("sha256", secret).update(text).digest().subarray(0, bytes);
}

/** Constant-time comparison of a presented tag with the expected one. */
export function sameTag(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}
