import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { mintViewToken, signRelay, verifyRelay, verifyViewToken } from "../../src/live-view/live-view-token.ts";

describe("live-view tokens and the API-to-worker signature", () => {
  const secret = randomBytes(32);
  const id = `ls_${"a".repeat(32)}`;
  const other = `ls_${"b".repeat(32)}`;

  it("binds a viewer token to its session, generation, mode and key", () => {
    const token = mintViewToken(secret, id, 0, "view");
    expect(verifyViewToken(secret, token, 0)).toEqual({ sessionId: id, mode: "view" });
    expect(token.length - id.length - 2).toBeGreaterThanOrEqual(22); // ≥ 128 bits of MAC
    expect(verifyViewToken(secret, token, 1)).toBeUndefined(); // revoked
    expect(verifyViewToken(secret, token.replace(".v", ".c"), 0)).toBeUndefined(); // a view-only link made a control one
    expect(verifyViewToken(secret, token.replace(id, other), 0)).toBeUndefined();
    expect(verifyViewToken(randomBytes(32), token, 0)).toBeUndefined();
    expect(verifyViewToken(secret, `${token}x`, 0)).toBeUndefined();
  });

  it("accepts a relay signature only for its session and mode, and only for 30 s", () => {
    const now = Date.now();
    const header = signRelay(secret, id, "control", now);
    expect(verifyRelay(secret, id, header, now + 1_000)).toBe("control");
    expect(verifyRelay(secret, other, header, now)).toBeUndefined();
    expect(verifyRelay(secret, id, header.replace("control", "view"), now)).toBeUndefined();
    expect(verifyRelay(secret, id, header, now + 31_000)).toBeUndefined();
    expect(verifyRelay(secret, id, undefined, now)).toBeUndefined();
  });
});
