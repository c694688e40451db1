import { randomBytes } from "node:crypto";
import { ownerKey, type Subject } from "../core/subject.ts";
import { hmacTag, sameTag } from "../crypto/hmac-tag.ts";

/**
 * A connect link's token: `cl_<id>.<expiry>.<mac>`. The id (128 random bits) names the link's record
 * in Redis; the MAC (144 bits) binds that id, the expiry (milliseconds, base 36) and the subject the
 * record names, so only this service can mint one, it dies on its own, and a record rewritten to
 * another subject no longer verifies. The MAC is recomputed on each use, never stored.
 */
const MAC_BYTES = 18;

export interface ConnectTokenClaim {
  id: string;
  expiresAtMs: number;
}

const macOf = (secret: Buffer, { id, expiresAtMs }: ConnectTokenClaim, subject: Subject) =>
  hmacTag(secret, `connect|${id}|${expiresAtMs}|${ownerKey(subject)}`, MAC_BYTES);

export function newConnectLinkId(): string {
  return `cl_${randomBytes(16).toString("hex")}`;
}

export function mintConnectToken(secret: Buffer, claim: ConnectTokenClaim, subject: Subject): string {
  return `${claim.id}.${claim.expiresAtMs.toString(36)}.${macOf(secret, claim, subject).toString("base64url")}`;
}

/** What a token claims; only `verifyConnectToken` says whether it holds. */
export function parseConnectToken(token: string): (ConnectTokenClaim & { mac: Buffer }) | undefined {
  const match = /^(cl_[0-9a-f]{32})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{24})$/.exec(token);
  if (!match) return undefined;
  return { id: match[1]!, expiresAtMs: parseInt(match[2]!, 36), mac: Buffer.from(match[3]!, "base64url") };
}

export function verifyConnectToken(
  secret: Buffer,
  claimed: ConnectTokenClaim & { mac: Buffer },
  subject: Subject,
): boolean {
  return sameTag(claimed.mac, macOf(secret, claimed, subject));
}
