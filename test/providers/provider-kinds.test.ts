import { describe, expect, it } from "vitest";
import { createProviderRegistry } from "../../src/providers/provider-registry.ts";
import { providerView } from "../../src/providers/provider-view.ts";

const browser = { id: "acme", name: "Acme", loginUrl: "https://acme.test/login", success: { cookie: { name: "sid" } } };

describe("provider kinds", () => {
  it("reads a provider without kind as a browser login, and lists each kind with what an app needs to offer it", () => {
    const registry = createProviderRegistry([
      browser,
      {
        kind: "oauth2",
        id: "gh",
        name: "GitHub",
        authorizationEndpoint: "https://gh.test/authorize",
        tokenEndpoint: "https://gh.test/token",
        scopes: ["repo"],
        clientSecret: "s3cret-client",
      },
      { kind: "api_key", id: "kv", name: "KV", fields: [{ name: "apiKey", label: "API key" }] },
    ]);
    expect(registry.list().map((p) => p.kind)).toEqual(["browser_login", "oauth2", "api_key"]);
    const views = registry.list().map(providerView);
    expect(views).toEqual([
      { id: "acme", name: "Acme", kind: "browser_login", captureOn: "authenticated", usage: "restore" },
      { id: "gh", name: "GitHub", kind: "oauth2", scopes: ["repo"] },
      {
        id: "kv",
        name: "KV",
        kind: "api_key",
        fields: [{ name: "apiKey", label: "API key", secret: true }],
        validated: false,
      },
    ]);
    expect(JSON.stringify(views)).not.toContain("s3cret-client");
  });

  it("refuses an OAuth2 provider with neither an issuer nor both endpoints, and an API-key provider without fields", () => {
    expect(() =>
      createProviderRegistry([{ kind: "oauth2", id: "x", name: "X", tokenEndpoint: "https://x.test/token" }]),
    ).toThrow(/issuer, or both authorizationEndpoint and tokenEndpoint/);
    expect(() => createProviderRegistry([{ kind: "api_key", id: "y", name: "Y", fields: [] }])).toThrow();
    expect(() => createProviderRegistry([{ ...browser, kind: "saml" } as never])).toThrow();
  });
});
