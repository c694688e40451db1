import { hmacTag, sameTag } from "./hmac-tag.ts";

/**
 * A short-lived proof, minted by the app with a key it shares with this service, that the app
 * itself sent its signed-in user to one of our links just now: `<expiry ms>.<mac>`, the MAC
 * (HMAC-SHA-256, 256 bits) over `<purpose>|<id>|<expiry>`. The viewer check (`viewer-check|`, a
 * login session's id) and the connect check (`connect-check|`, a connect link's id) are the two
 * purposes: one key may serve both without one passing for the other. Nothing is stored: the
 * service recomputes the MAC, and refuses an expired check or one that claims to last longer than
 * `MAX_CHECK_TTL_MS`.
 */
export const MAX_CHECK_TTL_MS = 10 * 60_000;

const CHECK = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/;

const macOf = (key: string, purpose: string, id: string, expiresAtMs: number) =>
  hmacTag(Buffer.from(key, "utf8"), `${purpose}|${id}|${expiresAtMs}`);

export function mintAppCheck(key: string, purpose: string, id: string, ttlMs: number, nowMs: number): string {
  const expiresAtMs = nowMs + Math.min(ttlMs, MAX_CHECK_TTL_MS);
  return `${expiresAtMs}.${macOf(key, purpose, id, expiresAtMs).toString("base64url")}`;
}

export function verifyAppCheck(
  key: string,
  purpose: string,
  id: string,
  check: string | null | undefined,
  nowMs: number,
): boolean {
  const match = CHECK.exec(check ?? "");
  if (!match) return false;
  const expiresAtMs = Number(match[1]);
  if (expiresAtMs < nowMs || expiresAtMs > nowMs + MAX_CHECK_TTL_MS) return false;
  return sameTag(Buffer.from(match[2]!, "base64url"), macOf(key, purpose, id, expiresAtMs));
}
