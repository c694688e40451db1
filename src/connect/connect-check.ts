import { mintAppCheck, verifyAppCheck } from "../crypto/app-check.ts";

/**
 * The optional connect check: with CONNECT_VERIFIER_KEY set, a connect link opens for the first time
 * only with `?check=<expiry>.<mac>` appended, which the app mints with the same key for the link's
 * id just before redirecting its signed-in user there. A link that travels without a fresh check
 * (forwarded, or sent by someone else) does not open. Apps call `mintConnectCheck`; the API calls
 * `verifyConnectCheck`. The same shape as the live view's viewer check (crypto/app-check.ts), under
 * its own purpose, so one key may serve both.
 */
const PURPOSE = "connect-check";

export function mintConnectCheck(key: string, linkId: string, ttlMs = 60_000, nowMs = Date.now()): string {
  return mintAppCheck(key, PURPOSE, linkId, ttlMs, nowMs);
}

export function verifyConnectCheck(
  key: string,
  linkId: string,
  check: string | null | undefined,
  nowMs = Date.now(),
): boolean {
  return verifyAppCheck(key, PURPOSE, linkId, check, nowMs);
}
