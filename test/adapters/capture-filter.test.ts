import { describe, expect, it } from "vitest";
import { filterByHosts } from "../../src/browser/capture-filter.ts";
import type { CapturedState, Cookie } from "../../src/credentials/captured-state.ts";

const cookie = (name: string, domain: string): Cookie => ({
  name,
  value: "v",
  domain,
  path: "/",
  expires: -1,
  httpOnly: false,
  secure: true,
  sameSite: "Lax",
});
const origin = (o: string) => ({ origin: o, localStorage: [{ name: "k", value: "v" }], sessionStorage: [] });

describe("capturing a client-URL session keeps only the allowlisted hosts' state", () => {
  const state: CapturedState = {
    cookies: [
      cookie("app", "app.example.com"),
      cookie("parent", ".example.com"),
      cookie("sibling", "other.example.com"),
      cookie("sso", "sso.idp.test"),
      cookie("tracker", ".ads.test"),
      cookie("lookalike", "evil-example.com"),
    ],
    origins: [
      origin("https://app.example.com"),
      origin("https://other.example.com"),
      origin("https://sso.idp.test"),
      origin("https://evil-example.com"),
    ],
  };
  const names = (s: CapturedState) => [s.cookies.map((c) => c.name).sort(), s.origins.map((o) => o.origin).sort()];

  it("keeps an exact host's storage and the cookies a request to it carries", () => {
    expect(names(filterByHosts(state, ["app.example.com"]))).toEqual([["app", "parent"], ["https://app.example.com"]]);
  });

  it("keeps every subdomain for a *. entry, never a look-alike", () => {
    expect(names(filterByHosts(state, ["*.example.com"]))).toEqual([
      ["app", "parent", "sibling"],
      ["https://app.example.com", "https://other.example.com"],
    ]);
  });
});
