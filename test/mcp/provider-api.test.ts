import { describe, expect, it } from "vitest";
import { allowedUrl, underBase } from "../../src/mcp/api-call.ts";
import { createProviderRegistry } from "../../src/providers/provider-registry.ts";
import { type ProviderApi, providerApiSchema } from "../../src/providers/provider-schema.ts";

const api = (baseUrls: string[]): ProviderApi => providerApiSchema.parse({ baseUrls });

describe("a provider's api declaration, and the URLs call_api may reach", () => {
  it("takes base URLs and templates; an API-key provider must put the key somewhere, others have no fields to name", () => {
    const key = { kind: "api_key" as const, id: "k", name: "K", fields: [{ name: "apiKey", label: "Key" }] };
    expect(() =>
      createProviderRegistry([
        { ...key, api: { baseUrls: ["https://api.k.example/v1/"], headers: { Authorization: "Bearer {{apiKey}}" } } },
      ]),
    ).not.toThrow();
    expect(() => createProviderRegistry([{ ...key, api: { baseUrls: ["https://api.k.example/"] } }])).toThrow(
      /must put the key somewhere/,
    );
    expect(() =>
      createProviderRegistry([{ ...key, api: { baseUrls: ["https://api.k.example/"], query: { key: "{{secret}}" } } }]),
    ).toThrow(/\{\{secret\}\}, which is not a declared field/);
    const oauth = {
      kind: "oauth2" as const,
      id: "o",
      name: "O",
      authorizationEndpoint: "https://o.example/a",
      tokenEndpoint: "https://o.example/t",
    };
    expect(() =>
      createProviderRegistry([
        { ...oauth, api: { baseUrls: ["https://api.o.example/"], headers: { "Notion-Version": "2022-06-28" } } },
      ]),
    ).not.toThrow();
    expect(() =>
      createProviderRegistry([
        { ...oauth, api: { baseUrls: ["https://api.o.example/"], headers: { X: "{{apiKey}}" } } },
      ]),
    ).toThrow(/only API-key providers have fields/);
    for (const base of ["ftp://x.example/", "https://u:p@x.example/", "https://x.example/?a=1", "https://x.example/#f"])
      expect(providerApiSchema.safeParse({ baseUrls: [base] }).success, base).toBe(false);
  });

  it("reaches URLs under a base only, by whole path segments, after the URL parser has resolved dot segments", () => {
    const declared = api(["https://api.example.com/v1/", "https://files.example.com/data"]);
    const allowed = (raw: string) => allowedUrl(declared, raw)?.href;
    expect(allowed("me")).toBe("https://api.example.com/v1/me");
    expect(allowed("/v1/me?x=1#frag")).toBe("https://api.example.com/v1/me?x=1");
    expect(allowed("https://api.example.com/v1/a/b")).toBe("https://api.example.com/v1/a/b");
    expect(allowed("https://files.example.com/data")).toBe("https://files.example.com/data");
    expect(allowed("https://files.example.com/data/1")).toBe("https://files.example.com/data/1");
    for (const refused of [
      "/v2/me",
      "../admin",
      "https://api.example.com/v1/../admin",
      "https://api.example.com/v1/%2e%2e/admin",
      "https://files.example.com/database",
      "https://api.example.com:444/v1/me",
      "http://api.example.com/v1/me",
      "https://user:pw@api.example.com/v1/me",
      "https://api.example.com.evil.test/v1/me",
      "//evil.test/v1/me",
      "javascript:alert(1)",
    ])
      expect(allowed(refused), refused).toBeUndefined();
    expect(underBase(new URL("https://a.example/x/"), new URL("https://a.example/x"))).toBe(true);
  });
});
