import { randomBytes } from "node:crypto";
import { hmacTag as mac, sameTag as sameMac } from "../crypto/hmac-tag.ts";

/**
 * Viewer links are capabilities: `<sessionId>.<mode><mac>`, the MAC (144 bits) binding the session,
 * its link generation (raised by revoke) and the mode. Nothing of it is stored: the API recomputes
 * it from the generation kept on the session record.
 */
export type ViewMode = "control" | "view";

const MAC_BYTES = 18;
const MODE_LETTER: Record<ViewMode, string> = { control: "c", view: "v" };

export function mintViewToken(secret: Buffer, sessionId: string, generation: number, mode: ViewMode): string {
  return `${sessionId}.${MODE_LETTER[mode]}${mac(secret, `view|${sessionId}|${generation}|${mode}`, MAC_BYTES).toString("base64url")}`;
}

/** The session and mode a token claims; only `verifyViewToken` says whether it holds. */
export function parseViewToken(token: string): { sessionId: string; mode: ViewMode; mac: Buffer } | undefined {
  const match = /^(ls_[a-f0-9]{32})\.([cv])([A-Za-z0-9_-]{24})$/.exec(token);
  if (!match) return undefined;
  return {
    sessionId: match[1]!,
    mode: match[2] === "c" ? "control" : "view",
    mac: Buffer.from(match[3]!, "base64url"),
  };
}

export function verifyViewToken(
  secret: Buffer,
  token: string,
  generation: number,
): { sessionId: string; mode: ViewMode } | undefined {
  const parsed = parseViewToken(token);
  if (!parsed) return undefined;
  const expected = mac(secret, `view|${parsed.sessionId}|${generation}|${parsed.mode}`, MAC_BYTES);
  return sameMac(parsed.mac, expected) ? { sessionId: parsed.sessionId, mode: parsed.mode } : undefined;
}

/** How long a signed API-to-worker request stays valid: enough for clock skew between machines. */
const RELAY_WINDOW_MS = 30_000;

/**
 * The header the API sends the worker: proof that it holds the secret, for this session and mode,
 * now, once. The nonce (96 random bits) makes each header single-use: a worker accepts it only the
 * first time (createRelayVerifier), so one seen on the way cannot open a second socket.
 */
export function signRelay(
  secret: Buffer,
  sessionId: string,
  mode: ViewMode,
  nowMs = Date.now(),
  nonce = randomBytes(12).toString("base64url"),
): string {
  return `${nowMs}.${mode}.${nonce}.${mac(secret, `relay|${sessionId}|${nowMs}|${mode}|${nonce}`, 32).toString("base64url")}`;
}

/** A signed header's claims when its MAC holds and its time is within the window; says nothing of reuse. */
export function verifyRelay(
  secret: Buffer,
  sessionId: string,
  header: string | undefined,
  nowMs = Date.now(),
): { mode: ViewMode; nonce: string; at: number } | undefined {
  const match = /^(\d{1,15})\.(control|view)\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(header ?? "");
  if (!match) return undefined;
  const at = Number(match[1]);
  if (Math.abs(nowMs - at) > RELAY_WINDOW_MS) return undefined;
  const mode = match[2] as ViewMode;
  const nonce = match[3]!;
  const expected = mac(secret, `relay|${sessionId}|${at}|${mode}|${nonce}`, 32);
  return sameMac(Buffer.from(match[4]!, "base64url"), expected) ? { mode, nonce, at } : undefined;
}

/**
 * The worker's check of the API's header: valid (verifyRelay) and never seen before. Nonces are kept
 * only while their header could still pass the time check, and at most `maxRemembered` of them: past
 * that (a flood of valid headers, which only a holder of the secret can make) new ones are refused
 * rather than remembered, so memory stays bounded and no header is ever accepted twice.
 */
export function createRelayVerifier(secret: Buffer, { maxRemembered = 100_000 } = {}) {
  /** Nonce → when its header stops passing the time check. A Map keeps insertion order, which is nearly expiry order. */
  const seen = new Map<string, number>();
  function forgetExpired(nowMs: number) {
    for (const [nonce, until] of seen) {
      if (until > nowMs) {
        // Headers signed on machines with skewed clocks arrive out of order: stop at the first live one.
        break;
      }
      seen.delete(nonce);
    }
  }
  return {
    verify(sessionId: string, header: string | undefined, nowMs = Date.now()): ViewMode | undefined {
      const claims = verifyRelay(secret, sessionId, header, nowMs);
      if (!claims) return undefined;
      forgetExpired(nowMs);
      if (seen.has(claims.nonce) || seen.size >= maxRemembered) return undefined;
      seen.set(claims.nonce, Math.max(claims.at + RELAY_WINDOW_MS, nowMs) + 1);
      return claims.mode;
    },
    /** Nonces remembered now (tests check the bound). */
    remembered: () => seen.size,
  };
}
