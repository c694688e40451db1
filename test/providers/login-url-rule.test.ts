import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createProviderRegistry } from "../../src/providers/provider-registry.ts";
import { type BrowserLoginProvider, providerSchema } from "../../src/providers/provider-schema.ts";

const base = { id: "acme", name: "Acme", loginUrl: "https://app.acme.test/dashboard" } as const;
const refusal = (success: unknown, extra: Record<string, unknown> = {}) => {
  const result = providerSchema.safeParse({ ...base, success, ...extra });
  return result.success ? undefined : z.prettifyError(result.error);
};

describe("a success condition that already holds at the login URL", () => {
  it("is refused when URL leaves alone match the login URL, saying why and what to add", () => {
    const message = refusal({ url: { pathname: "/dashboard" } });
    expect(message).toContain("already holds at the login URL https://app.acme.test/dashboard");
    expect(message).toContain("cookie or storage leaf");
    expect(message).toContain("settleMs");
    expect(message).toContain("success");
    // A settle time does not help: the login form stays at that URL as long as the user likes.
    expect(refusal({ url: { pathname: "/dashboard" } }, { settleMs: 2_000 })).toBeDefined();
    expect(
      refusal({ all: [{ url: { hostname: "app.acme.test" } }, { url: "https://app.acme.test/*" }] }),
    ).toBeDefined();
    expect(refusal({ any: [{ cookie: { name: "sid" } }, { url: { pathname: "/dash*" } }] })).toBeDefined();
  });

  it("is accepted once it waits for something a login changes, or its URL differs from the login URL", () => {
    expect(refusal({ all: [{ url: { pathname: "/dashboard" } }, { cookie: { name: "sid" } }] })).toBeUndefined();
    expect(refusal({ all: [{ url: { pathname: "/dashboard" } }, { storage: { key: "token" } }] })).toBeUndefined();
    expect(refusal({ any: [{ response: { url: { pathname: "/api/login" }, status: 200 } }] })).toBeUndefined();
    expect(refusal({ url: { pathname: "/dashboard" } }, { loginUrl: "https://app.acme.test/login" })).toBeUndefined();
  });

  it("stops a providers file from loading", () => {
    expect(() => createProviderRegistry([{ ...base, success: { url: { hostname: "*.acme.test" } } }])).toThrow(
      /already holds at the login URL/,
    );
  });
});

describe("failureResponses", () => {
  it("takes a URL pattern and a status or a list of statuses", () => {
    const provider = providerSchema.parse({
      ...base,
      success: { cookie: { name: "sid" } },
      failureResponses: [
        { url: { pathname: "/api/login" }, status: 401 },
        { url: "https://app.acme.test/api/*", status: [401, 403] },
        { url: { pathname: "/x" } },
      ],
    });
    expect((provider as BrowserLoginProvider).failureResponses).toHaveLength(3);
    expect(
      providerSchema.safeParse({
        ...base,
        success: { cookie: { name: "sid" } },
        failureResponses: [{ url: { pathname: "/x" }, status: [] }],
      }).success,
    ).toBe(false);
    expect(
      providerSchema.safeParse({
        ...base,
        success: { cookie: { name: "sid" } },
        failureResponses: [{ url: { pathname: "/x" }, status: 99 }],
      }).success,
    ).toBe(false);
  });
});
