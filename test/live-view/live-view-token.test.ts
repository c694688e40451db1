import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createRelayVerifier,
  mintViewToken,
  signRelay,
  verifyRelay,
  verifyViewToken,
} from "../../src/live-view/live-view-token.ts";

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
    expect(verifyRelay(secret, id, header, now + 1_000)?.mode).toBe("control");
    expect(verifyRelay(secret, other, header, now)).toBeUndefined();
    expect(verifyRelay(secret, id, header.replace("control", "view"), now)).toBeUndefined();
    expect(verifyRelay(secret, id, header, now + 31_000)).toBeUndefined();
    expect(verifyRelay(secret, id, undefined, now)).toBeUndefined();
    // The nonce is signed: another one under the same MAC does not pass.
    const [at, mode, , tag] = header.split(".");
    expect(verifyRelay(secret, id, `${at}.${mode}.${"A".repeat(16)}.${tag}`, now)).toBeUndefined();
  });

  it("accepts each relay header once: a replay within its 30 s is refused", () => {
    const verifier = createRelayVerifier(secret);
    const now = Date.now();
    const header = signRelay(secret, id, "view", now);
    expect(verifier.verify(id, header, now)).toBe("view");
    expect(verifier.verify(id, header, now + 1)).toBeUndefined();
    expect(verifier.verify(id, header, now + 29_000)).toBeUndefined();
    // Each connection the API makes signs afresh.
    expect(verifier.verify(id, signRelay(secret, id, "view", now), now + 2)).toBe("view");
  });

  it("remembers nonces only while their headers could pass, and at most a bounded number", () => {
    const verifier = createRelayVerifier(secret, { maxRemembered: 100 });
    const now = Date.now();
    for (let i = 0; i < 100; i++)
      expect(verifier.verify(id, signRelay(secret, id, "control", now), now)).toBe("control");
    expect(verifier.remembered()).toBe(100);
    // Full: a new header is refused rather than remembered beyond the bound (never accepted twice).
    expect(verifier.verify(id, signRelay(secret, id, "control", now), now)).toBeUndefined();
    expect(verifier.remembered()).toBe(100);
    // Once their window has passed, they are forgotten and room is made.
    const later = now + 31_000;
    expect(verifier.verify(id, signRelay(secret, id, "control", later), later)).toBe("control");
    expect(verifier.remembered()).toBe(1);
    // Forged or expired headers are never remembered.
    verifier.verify(id, `${later}.control.${"A".repeat(16)}.${"B".repeat(43)}`, later);
    expect(verifier.remembered()).toBe(1);
  });
});
