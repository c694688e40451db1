import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/core/config.ts";
import { createProviderRegistry } from "../../src/providers/provider-registry.ts";

describe("OAuth2 provider configuration", () => {
  it("a preset is enabled by an entry giving the client; the entry's own fields win", () => {
    const registry = createProviderRegistry([
      { kind: "oauth2", id: "github", preset: "github", clientId: "gh-id", clientSecret: "gh-secret" },
      {
        kind: "oauth2",
        id: "google",
        preset: "google",
        name: "Google Workspace",
        clientId: "g-id",
        scopes: ["openid", "email"],
        authorizationParams: { hd: "example.com" },
      },
    ]);
    expect(registry.get("github")).toMatchObject({
      name: "GitHub",
      authorizationEndpoint: "https://github.com/login/oauth/authorize",
      scopes: ["read:user"],
      pkce: true,
      clientId: "gh-id",
    });
    expect(registry.get("google")).toMatchObject({
      name: "Google Workspace",
      issuer: "https://accounts.google.com",
      revocationEndpoint: "https://oauth2.googleapis.com/revoke",
      scopes: ["openid", "email"],
      authorizationParams: { access_type: "offline", prompt: "consent", hd: "example.com" },
    });
  });

  it("refuses an unknown preset and plain-http servers off loopback", () => {
    expect(() =>
      createProviderRegistry([{ kind: "oauth2", id: "x", preset: "myspace" as never, clientId: "a" }]),
    ).toThrow(/preset/);
    expect(() =>
      createProviderRegistry([{ kind: "oauth2", id: "y", name: "Y", issuer: "http://idp.example.com" }]),
    ).toThrow(/must be https/);
    expect(
      createProviderRegistry([{ kind: "oauth2", id: "z", name: "Z", issuer: "http://127.0.0.1:9000" }]).get("z"),
    ).toBeDefined();
  });

  it("return origins must be bare origins", () => {
    expect(
      loadConfig({ NODE_ENV: "test", OAUTH2_RETURN_ORIGINS: "https://app.example.com,http://localhost:5173" })
        .OAUTH2_RETURN_ORIGINS,
    ).toEqual(["https://app.example.com", "http://localhost:5173"]);
    expect(() => loadConfig({ NODE_ENV: "test", OAUTH2_RETURN_ORIGINS: "https://app.example.com/" })).toThrow(
      /OAUTH2_RETURN_ORIGINS/,
    );
    expect(() => loadConfig({ NODE_ENV: "test", OAUTH2_RETURN_ORIGINS: "*" })).toThrow(/OAUTH2_RETURN_ORIGINS/);
    expect(() =>
      loadConfig({ NODE_ENV: "production", API_KEYS: "k", ENCRYPTION_KEYS: "x", OAUTH2_STATE_TTL_SECONDS: "5" }),
    ).toThrow(/OAUTH2_STATE_TTL_SECONDS/);
  });
});
