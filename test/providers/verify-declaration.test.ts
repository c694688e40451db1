import { describe, expect, it } from "vitest";
import { cookieHeaderFor } from "../../src/credential-checks/cookie-header.ts";
import { createProviderRegistry } from "../../src/providers/provider-registry.ts";

const base = {
  id: "acme",
  name: "Acme",
  loginUrl: "https://acme.example/login",
  success: { url: { pathname: "/home" } },
};
const verify = { url: "https://acme.example/home", loggedOut: { url: { pathname: "/login" } } };

describe("provider verify declarations", () => {
  it("reads durations with units and applies the defaults", () => {
    const provider = createProviderRegistry([{ ...base, verify, verifyEvery: "6h" }]).get("acme");
    expect(provider).toMatchObject({ verifyEvery: 6 * 3_600_000, verify: { settleMs: 1_000, timeoutMs: 15_000 } });
    expect(createProviderRegistry([{ ...base, verify, verifyEvery: 1500 }]).get("acme")).toMatchObject({
      verifyEvery: 1500,
    });
  });

  it("refuses a schedule without a check, a check without a condition, and schedules under a second", () => {
    expect(() => createProviderRegistry([{ ...base, verifyEvery: "1h" }])).toThrow(
      /verifyEvery needs a verify declaration/,
    );
    expect(() => createProviderRegistry([{ ...base, verify: { url: verify.url } as typeof verify }])).toThrow(
      /loggedIn, loggedOut or both/,
    );
    expect(() => createProviderRegistry([{ ...base, verify, verifyEvery: "500ms" }])).toThrow(/at least 1s/);
    expect(() => createProviderRegistry([{ ...base, verify, verifyEvery: "soon" }])).toThrow(/a duration like/);
  });
});

describe("the HTTP check's Cookie header", () => {
  const cookie = (
    name: string,
    domain: string,
    path = "/",
    extra: Partial<{ secure: boolean; expires: number }> = {},
  ) => ({
    name,
    value: `v-${name}`,
    domain,
    path,
    expires: -1,
    httpOnly: true,
    secure: false,
    sameSite: "Lax" as const,
    ...extra,
  });

  it("sends what a browser would: host-only and domain cookies, matching paths (longest first), secure only over https, none expired", () => {
    const cookies = [
      cookie("host", "app.acme.example"),
      cookie("domain", ".acme.example"),
      cookie("other", "other.example"),
      cookie("deep", "app.acme.example", "/api"),
      cookie("elsewhere", "app.acme.example", "/admin"),
      cookie("secure", "app.acme.example", "/", { secure: true }),
      cookie("old", "app.acme.example", "/", { expires: 1 }),
    ];
    expect(cookieHeaderFor(cookies, new URL("http://app.acme.example/api/me"))).toBe(
      "deep=v-deep; host=v-host; domain=v-domain",
    );
    expect(cookieHeaderFor(cookies, new URL("https://app.acme.example/"))).toBe(
      "host=v-host; domain=v-domain; secure=v-secure",
    );
    expect(cookieHeaderFor(cookies, new URL("https://sub.app.acme.example/"))).toBe("domain=v-domain");
  });
});
