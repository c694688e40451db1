import { MAX_CHECK_TTL_MS, mintAppCheck, verifyAppCheck } from "../crypto/app-check.ts";

/**
 * The optional viewer check, against login phishing (someone starts a session and sends its link
 * to a victim, whose login would then be captured for them). With LIVE_VIEW_VERIFIER_KEY set, a
 * link opens only with `?check=<expiry>.<mac>` appended, which the app that started the session
 * mints with the same key for its own signed-in user, just before sending them there (a redirect
 * from the app's own page): a bare link forwarded to someone else does not open. Apps call
 * `mintViewerCheck`; the API calls `verifyViewerCheck`. The check's shape is crypto/app-check.ts.
 */
export { MAX_CHECK_TTL_MS };

const PURPOSE = "viewer-check";

export function mintViewerCheck(key: string, sessionId: string, ttlMs = 60_000, nowMs = Date.now()): string {
  return mintAppCheck(key, PURPOSE, sessionId, ttlMs, nowMs);
}

export function verifyViewerCheck(
  key: string,
  sessionId: string,
  check: string | null | undefined,
  nowMs = Date.now(),
): boolean {
  return verifyAppCheck(key, PURPOSE, sessionId, check, nowMs);
}
