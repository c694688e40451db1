import { hmacTag, sameTag } from "../crypto/hmac-tag.ts";

/**
 * DevTools links are capabilities, like viewer links: `<sessionId>.d<mac>`, the MAC (144 bits)
 * binding the session and its DevTools generation (raised by revoke). Nothing of it is stored: the
 * API recomputes it from the generation kept on the session record.
 */
const MAC_BYTES = 18;
const TOKEN = /^(ls_[a-f0-9]{32})\.d([A-Za-z0-9_-]{24})$/;

export function mintDevToolsToken(secret: Buffer, sessionId: string, generation: number): string {
  return `${sessionId}.d${hmacTag(secret, `devtools|${sessionId}|${generation}`, MAC_BYTES).toString("base64url")}`;
}

/** The session a token claims; only `verifyDevToolsToken` says whether it holds. */
export function parseDevToolsToken(token: string): { sessionId: string } | undefined {
  const match = TOKEN.exec(token);
  return match ? { sessionId: match[1]! } : undefined;
}

export function verifyDevToolsToken(secret: Buffer, token: string, generation: number): boolean {
  const match = TOKEN.exec(token);
  if (!match) return false;
  const expected = hmacTag(secret, `devtools|${match[1]}|${generation}`, MAC_BYTES);
  return sameTag(Buffer.from(match[2]!, "base64url"), expected);
}

/**
 * The API-to-worker hop of a DevTools connection is signed like the live view's (signRelay), over a
 * subject of its own, so that a live-view signature cannot open a DevTools connection.
 */
export const devToolsHop = (sessionId: string) => `devtools|${sessionId}`;
