import { describe, expect, it } from "vitest";
import { NOTHING_GAINED, snapshotLoginPage } from "../../src/browser-login/worker/login-page-snapshot.ts";
import { createFakeBrowserSession } from "../helpers/fake-browser-session.ts";

const APP = "https://app.test";

/** A login page that already holds a placeholder cookie and a storage key, as many do. */
function loginPage() {
  const session = createFakeBrowserSession(`${APP}/login`);
  session.setCookie("sid", "deleted");
  session.setStorage("localStorage", APP, "theme", "dark");
  return session;
}

describe("login page snapshot: did the capture gain anything?", () => {
  it("calls a capture with nothing new or changed suspect", async () => {
    const session = loginPage();
    const snapshot = snapshotLoginPage(session, {});
    await snapshot.taken;
    session.navigate(`${APP}/home`);
    expect(await snapshot.suspectReason(await session.capture({}))).toBe(NOTHING_GAINED);
  });

  it("does not when a cookie or storage value is new or changed", async () => {
    const changes: ((s: ReturnType<typeof loginPage>) => void)[] = [
      (s) => s.setCookie("sid", "s-123"),
      (s) => s.setCookie("sid", "deleted", "sso.test"),
      (s) => s.setStorage("localStorage", APP, "theme", "light"),
      (s) => s.setStorage("sessionStorage", APP, "theme", "dark"),
      (s) => s.setStorage("localStorage", "https://sso.test", "theme", "dark"),
    ];
    for (const change of changes) {
      const session = loginPage();
      const snapshot = snapshotLoginPage(session, {});
      await snapshot.taken;
      change(session);
      expect(await snapshot.suspectReason(await session.capture({}))).toBeUndefined();
    }
  });

  it("compares only what the provider keeps (its origins)", async () => {
    const session = loginPage();
    const snapshot = snapshotLoginPage(session, { origins: [APP] });
    await snapshot.taken;
    session.setStorage("localStorage", "https://tracker.test", "visitor", "v-1");
    expect(await snapshot.suspectReason(await session.capture({ origins: [APP] }))).toBe(NOTHING_GAINED);
  });

  it("waits a moment for a snapshot still being read (a quick login on a loaded machine)", async () => {
    const session = loginPage();
    let finish!: () => void;
    const slow = snapshotLoginPage(
      { ...session, capture: (o) => new Promise((r) => (finish = () => r(session.capture(o)))) },
      {},
    );
    session.navigate(`${APP}/home`);
    const verdict = slow.suspectReason(await session.capture({}), 5_000);
    finish();
    expect(await verdict).toBe(NOTHING_GAINED);
  });

  it("judges nothing when the snapshot could not be taken, or is not taken yet", async () => {
    const session = loginPage();
    const failed = snapshotLoginPage({ ...session, capture: () => Promise.reject(new Error("page closed")) }, {});
    await failed.taken;
    expect(await failed.suspectReason(await session.capture({}))).toBeUndefined();
    const pending = snapshotLoginPage({ ...session, capture: () => new Promise(() => {}) }, {});
    expect(await pending.suspectReason(await session.capture({}), 20)).toBeUndefined();
  });
});
