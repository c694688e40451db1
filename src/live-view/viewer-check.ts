import { hmacTag, sameTag } from "../crypto/hmac-tag.ts";

/**
 * The optional viewer check, against login phishing (someone starts a session and sends its link
 * to a victim, whose login would then be captured for them). With LIVE_VIEW_VERIFIER_KEY set, a
 * link opens only with `?check=<expiry>.<mac>` appended, which the app that started the session
 * mints with the same key for its own signed-in user, just before sending them there (a redirect
 * from the app's own page): a bare link forwarded to someone else does not open. Apps call
 * `mintViewerCheck`; the API calls `verifyViewerCheck`.
 */
export const MAX_CHECK_TTL_MS = 10 * 60_000;

const macOf = (key: string, sessionId: string, expiresAtMs: number) =>
  hmacTag(Buffer.from(key, "utf8"), `viewer-check|${sessionId}|${expiresAtMs}`);

export function mintViewerCheck(key: string, sessionId: string, ttlMs = 60_000, nowMs = Date.now()): string {
  const expiresAtMs = nowMs + Math.min(ttlMs, MAX_CHECK_TTL_MS);
  return `${expiresAtMs}.${macOf(key, sessionId, expiresAtMs).toString("base64url")}`;
}

export function verifyViewerCheck(
  key: string,
  sessionId: string,
  check: string | null | undefined,
  nowMs = Date.now(),
): boolean {
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(check ?? "");
  if (!match) return false;
  const expiresAtMs = Number(match[1]);
  if (expiresAtMs < nowMs || expiresAtMs > nowMs + MAX_CHECK_TTL_MS) return false;
  return sameTag(Buffer.from(match[2]!, "base64url"), macOf(key, sessionId, expiresAtMs));
}
