import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  mintConnectToken,
  newConnectLinkId,
  parseConnectToken,
  verifyConnectToken,
} from "../../src/connect/connect-link-token.ts";
import type { Subject } from "../../src/core/subject.ts";
import { mintViewToken } from "../../src/live-view/live-view-token.ts";

describe("connect link tokens", () => {
  const secret = randomBytes(32);
  const subject = { userId: "user-1", orgId: "acme" };
  const claim = { id: newConnectLinkId(), expiresAtMs: Date.now() + 60_000 };
  const token = mintConnectToken(secret, claim, subject);
  const verifies = (t: string, s: Subject = subject, key = secret) => {
    const parsed = parseConnectToken(t);
    return parsed !== undefined && verifyConnectToken(key, parsed, s);
  };

  it("verifies for the subject, expiry and secret it was minted with, and for nothing else", () => {
    expect(token).toMatch(/^cl_[0-9a-f]{32}\.[0-9a-z]+\.[A-Za-z0-9_-]{24}$/);
    expect(verifies(token)).toBe(true);
    expect(parseConnectToken(token)).toMatchObject(claim);
    expect(verifies(token, { userId: "user-1" })).toBe(false);
    expect(verifies(token, { userId: "user-2", orgId: "acme" })).toBe(false);
    expect(verifies(token, subject, randomBytes(32))).toBe(false);
    const [id, , mac] = token.split(".");
    expect(verifies(`${id}.${(claim.expiresAtMs + 1).toString(36)}.${mac}`)).toBe(false);
    expect(verifies(`${newConnectLinkId()}.${claim.expiresAtMs.toString(36)}.${mac}`)).toBe(false);
  });

  it("is not interchangeable with a viewer token signed by the same secret", () => {
    const view = mintViewToken(secret, `ls_${"a".repeat(32)}`, 0, "control");
    expect(parseConnectToken(view)).toBeUndefined();
    expect(parseConnectToken("")).toBeUndefined();
    expect(parseConnectToken(`${token}x`)).toBeUndefined();
  });
});
