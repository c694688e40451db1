import { describe, expect, it } from "vitest";
import { applySetCookies } from "../../src/credential-checks/set-cookie.ts";
import type { CapturedState, Cookie } from "../../src/credentials/captured-state.ts";
import { mergeCapturedState, sameState } from "../../src/credentials/captured-state-merge.ts";

const cookie = (name: string, value: string, domain = "app.example.com", extra: Partial<Cookie> = {}): Cookie => ({
  name,
  value,
  domain,
  path: "/",
  expires: -1,
  httpOnly: true,
  secure: false,
  sameSite: "Lax",
  ...extra,
});
const APP = "https://app.example.com";
const SSO = "https://sso.example.com";

/** A credential holding two origins' storage and both sites' cookies, as a login across an SSO leaves one. */
const stored: CapturedState = {
  cookies: [cookie("session", "s1"), cookie("theme", "dark"), cookie("sso", "x1", "sso.example.com")],
  origins: [
    {
      origin: APP,
      localStorage: [{ name: "profile", value: "p1" }],
      sessionStorage: [{ name: "tab", value: "t1" }],
    },
    { origin: SSO, localStorage: [{ name: "device", value: "d1" }], sessionStorage: [] },
  ],
};

describe("merging what a browser left into the stored state", () => {
  it("keeps the storage of origins the browser did not load, takes the loaded ones' as the browser holds them", () => {
    // A check that loaded the app only: Playwright's capture holds nothing of the SSO origin.
    const captured: CapturedState = {
      cookies: [cookie("session", "s2"), cookie("theme", "dark"), cookie("sso", "x1", "sso.example.com")],
      origins: [{ origin: APP, localStorage: [{ name: "profile", value: "p2" }], sessionStorage: [] }],
    };
    const merged = mergeCapturedState(stored, captured, { visitedOrigins: [APP] });
    expect(merged.origins).toEqual([
      // sessionStorage no open tab holds is kept.
      { origin: APP, localStorage: [{ name: "profile", value: "p2" }], sessionStorage: [{ name: "tab", value: "t1" }] },
      { origin: SSO, localStorage: [{ name: "device", value: "d1" }], sessionStorage: [] },
    ]);
    expect(merged.cookies.find((c) => c.name === "session")?.value).toBe("s2");
    expect(sameState(merged, stored)).toBe(false);
  });

  it("applies cookies the site removed, and storage a loaded origin cleared", () => {
    const captured: CapturedState = { cookies: [cookie("session", "s1")], origins: [] };
    const merged = mergeCapturedState(stored, captured, { visitedOrigins: [APP] });
    expect(merged.cookies.map((c) => c.name)).toEqual(["session"]);
    expect(merged.origins.find((o) => o.origin === APP)).toEqual({
      origin: APP,
      localStorage: [],
      sessionStorage: [{ name: "tab", value: "t1" }],
    });
    expect(merged.origins.find((o) => o.origin === SSO)?.localStorage).toEqual([{ name: "device", value: "d1" }]);
  });

  it("leaves what lies outside the capture's origins as stored, and drops expired cookies", () => {
    const now = Date.now() / 1000;
    const withOld = {
      ...stored,
      cookies: [...stored.cookies, cookie("old", "o", "sso.example.com", { expires: now - 5 })],
    };
    const captured: CapturedState = {
      cookies: [cookie("session", "s3"), cookie("tracker", "t", "ads.example.net")],
      origins: [{ origin: "https://ads.example.net", localStorage: [{ name: "id", value: "1" }], sessionStorage: [] }],
    };
    const merged = mergeCapturedState(withOld, captured, { origins: [APP] }, now);
    expect(merged.cookies.map((c) => `${c.name}=${c.value}`).sort()).toEqual(["session=s3", "sso=x1"]);
    expect(merged.origins.map((o) => o.origin)).toEqual([APP, SSO]);
  });

  it("says a state is the same whatever the order, and cookie expiries within a second", () => {
    const shuffled: CapturedState = {
      cookies: [...stored.cookies].reverse().map((c) => ({ ...c, expires: c.expires })),
      origins: [...stored.origins].reverse(),
    };
    expect(sameState(shuffled, stored)).toBe(true);
    const later = { ...stored, cookies: stored.cookies.map((c) => ({ ...c, expires: 1_900_000_000.4 })) };
    const sameSecond = { ...stored, cookies: stored.cookies.map((c) => ({ ...c, expires: 1_900_000_000.9 })) };
    expect(sameState(later, sameSecond)).toBe(true);
    expect(sameState(later, { ...later, cookies: later.cookies.map((c) => ({ ...c, expires: c.expires + 60 })) })).toBe(
      false,
    );
  });
});

describe("Set-Cookie on an HTTP check's answer", () => {
  const url = new URL("https://app.example.com/api/me");

  it("replaces a rotated cookie, deletes an expired one, adds a new one, ignores another site's", async () => {
    const after = await applySetCookies([cookie("session", "s1"), cookie("theme", "dark", ".example.com")], url, [
      "session=s2; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600",
      "theme=; Domain=example.com; Path=/; Max-Age=0",
      "fresh=1; Path=/api",
      "evil=1; Domain=other.example.net; Path=/",
    ]);
    const byName = new Map(after.map((c) => [c.name, c]));
    expect(byName.get("session")).toMatchObject({ value: "s2", domain: "app.example.com", httpOnly: true, path: "/" });
    expect(byName.get("session")!.expires).toBeGreaterThan(Date.now() / 1000 + 3500);
    expect(byName.has("theme")).toBe(false);
    expect(byName.get("fresh")).toMatchObject({ value: "1", path: "/api", domain: "app.example.com" });
    expect(byName.has("evil")).toBe(false);
  });

  it("keeps every cookie as it was when nothing is set", async () => {
    const cookies = [cookie("session", "s1", ".example.com", { expires: 1_900_000_000, sameSite: "Strict" })];
    expect(await applySetCookies(cookies, url, [])).toEqual(cookies);
    expect(await applySetCookies(cookies, url, ["unrelated=1; Path=/"])).toContainEqual(cookies[0]);
  });
});
