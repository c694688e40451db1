import { randomBytes } from "node:crypto";
import { createServiceClient, ServiceError } from "@browser-login-capture/client";
import { restoreSession } from "@browser-login-capture/client/playwright";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../src/browser/local-playwright/chromium-launch.ts";
import { type RotatingSite, startRotatingSite } from "../fixtures/rotating-site.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * Nothing we do spends a credential (issue 20): a site that rotates its session token on every
 * request and refuses the old one shortly after stays usable through checks (asked and scheduled),
 * re-logins and apps' uses with check-in, ten cycles each, with real Chromium, Redis and HTTP.
 */
describe("credentials that survive a site rotating its session on every request", () => {
  let rot: RotatingSite;
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    rot = await startRotatingSite();
    const verify = {
      url: `${rot.origin}/app`,
      loggedIn: { url: { pathname: "/app" } },
      loggedOut: { url: { pathname: "/login" } },
      settleMs: 300,
    };
    stack = await startTestStack({
      extraProviders: [
        { id: "rotating", name: "Rotating", loginUrl: rot.loginUrl, success: { url: { pathname: "/app" } }, verify },
        {
          id: "rotating-scheduled",
          name: "Rotating, checked on a schedule over HTTP",
          loginUrl: rot.loginUrl,
          success: { url: { pathname: "/app" } },
          verify: { ...verify, http: { url: `${rot.origin}/api/me`, expectStatus: 200 } },
          verifyEvery: "1s",
        },
        {
          id: "rotating-stay",
          name: "Rotating, whose login page keeps a working session",
          loginUrl: `${rot.origin}/stay`,
          success: { url: { pathname: "/app" } },
          verify,
        },
      ],
    });
    browser = (await launchChromium(chromium, { window: "headless" })).browser;
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await rot?.close();
  });

  const app = (name: string) =>
    createServiceClient({
      baseUrl: stack.baseUrl,
      apiKey: stack.apiKey,
      subject: { userId: "user-1" },
      headers: { "x-app": name },
    });

  /** The scripted user logs in on the provider's own login page. */
  async function capture(providerId: string, loginUrl = rot.loginUrl): Promise<string> {
    const started = await stack.api("POST", "/browser-login/start?wait=10000", { body: { providerId } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    await stack.user.logIn(await stack.user.findPage((u) => u === loginUrl));
    const done = await waitForStatus(stack, started.body.sessionId, "completed", { timeoutMs: 30_000 });
    return done.credentialId!;
  }

  /** An app's use: restore the latest version, load the app logged in, check the browser's state back in. */
  async function use(id: string, client = app("app-a")) {
    const session = await restoreSession(browser, { client, credentialId: id });
    const page = await session.context.newPage();
    await page.goto(`${rot.origin}/app`);
    expect(await page.locator("#welcome").textContent(), "the app is logged in").toBe("Welcome, alice");
    return session;
  }

  const credential = async (id: string) => (await stack.api("GET", `/credentials/${id}`)).body;

  it("verify, then an app's use with check-in, ten times in turn by two apps: every step works, the old tokens die", async () => {
    const id = await capture("rotating");
    let version = (await credential(id)).version;
    for (let cycle = 0; cycle < 10; cycle++) {
      const check = await stack.api("POST", `/credentials/${id}/verify?wait=60000`);
      expect(check.body, `cycle ${cycle}`).toMatchObject({ status: "active", refreshed: true, version: version + 1 });
      version += 1;
      // The site's "shortly after": every token but the newest is refused from now on.
      rot.expireSuperseded();

      const session = await use(id, app(cycle % 2 === 0 ? "app-a" : "app-b"));
      expect(session.version).toBe(version);
      const checkedIn = await session.close({ checkIn: true });
      expect(checkedIn).toEqual({ outcome: "renewed", version: version + 1 });
      version += 1;
      rot.expireSuperseded();
    }
    const after = await credential(id);
    expect(after).toMatchObject({
      status: "active",
      version,
      lastRenewal: { by: "check_in" },
      lastCheck: { status: "active", touched: true, renewed: true },
    });
    expect(rot.refused()).toBe(0);
    const audit = (await stack.api("GET", `/credentials/${id}/audit`)).body.entries.map(
      (e: { purpose: string }) => e.purpose,
    );
    expect(audit.filter((p: string) => p === "check_in")).toHaveLength(10);
  });

  it("two apps restore the same version: the first check-in is stored, the second is refused 409 with the current version, never overwriting it", async () => {
    const id = await capture("rotating");
    const first = await use(id, app("app-a"));
    const second = await use(id, app("app-b"));
    expect(first.version).toBe(second.version);
    const base = first.version!;
    await expect(first.checkIn()).resolves.toEqual({ outcome: "renewed", version: base + 1 });
    const refused = await second.checkIn().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServiceError);
    expect(refused).toMatchObject({ status: 409, code: "stale_version", details: { currentVersion: base + 1 } });
    await first.close();
    await second.close();
    rot.expireSuperseded();
    // What the first app checked in is what is stored, and it works.
    expect((await credential(id)).version).toBe(base + 1);
    const again = await use(id, app("app-b"));
    await again.close({ checkIn: true });
  });

  it("scheduled HTTP checks store the rotated cookie they receive: the credential outlives each old token", async () => {
    const id = await capture("rotating-scheduled", rot.loginUrl);
    let version = (await credential(id)).version;
    for (let round = 0; round < 3; round++) {
      const renewed = await waitFor(
        async () => {
          const c = await credential(id);
          return c.version > version && c.lastCheck?.renewed && c.lastCheck.method === "http" ? c : undefined;
        },
        { what: `scheduled check ${round} to store the rotated cookie`, timeoutMs: 30_000 },
      );
      expect(renewed.status).toBe("active");
      version = renewed.version;
      rot.expireSuperseded();
    }
    const session = await use(id);
    await session.close();
    expect((await credential(id)).status).toBe("active");
  });

  it("re-login ten times on a working credential: the site recognises the seed, each capture replaces it in place", async () => {
    const id = await capture("rotating");
    let version = (await credential(id)).version;
    for (let cycle = 0; cycle < 10; cycle++) {
      const started = await stack.api("POST", `/credentials/${id}/relogin?wait=0`);
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const done = await waitForStatus(stack, started.body.sessionId, "completed", { timeoutMs: 30_000 });
      expect(done.credentialId).toBe(id);
      const after = await credential(id);
      expect(after, `cycle ${cycle}`).toMatchObject({ version: version + 1, lastRenewal: { by: "relogin" } });
      version += 1;
      rot.expireSuperseded();
    }
    const check = await stack.api("POST", `/credentials/${id}/verify?wait=60000`);
    expect(check.body).toMatchObject({ status: "active" });
  });

  it("a re-login given up before any capture keeps what its browser made the site change", async () => {
    const stay = `${rot.origin}/stay`;
    const id = await capture("rotating-stay", stay);
    const before = (await credential(id)).version;
    const started = await stack.api("POST", `/credentials/${id}/relogin?wait=10000`);
    expect(started.body.status).toBe("awaiting_login");
    // The seeded page used the session (the site rotated it) and waits for a login that never comes.
    const page = await stack.user.findPage((u) => u === stay);
    await expect(page.locator("#stay").textContent()).resolves.toBe("Still here");
    const cancelled = await stack.api("POST", `/browser-login/${started.body.sessionId}/cancel`);
    expect(cancelled.status).toBe(200);
    const after = await waitFor(
      async () => {
        const c = await credential(id);
        return c.version > before ? c : undefined;
      },
      { what: "the seed's changes to be stored", timeoutMs: 15_000 },
    );
    expect(after.lastRenewal).toMatchObject({ by: "relogin_seed" });
    rot.expireSuperseded();
    await (await use(id)).close({ checkIn: true });
  });

  it("check-in refuses what is not a state: 4xx in the error shape, never a 5xx; the credential still works", async () => {
    const id = await capture("rotating");
    const { version } = await credential(id);
    const cookie = {
      name: "a",
      value: "b",
      domain: "localhost",
      path: "/",
      expires: -1,
      httpOnly: false,
      secure: false,
      sameSite: "Lax",
    };
    const bodies: { raw?: string; body?: unknown }[] = [
      { raw: "" },
      { raw: "{" },
      { raw: "null" },
      { raw: "[]" },
      { raw: '"x"' },
      { body: {} },
      { body: { version } },
      { body: { storageState: { cookies: [], origins: [] } } },
      { body: { version: "1", storageState: { cookies: [], origins: [] } } },
      { body: { version: -1, storageState: { cookies: [], origins: [] } } },
      { body: { version: 1.5, storageState: { cookies: [], origins: [] } } },
      { body: { version, storageState: { cookies: [{ ...cookie, sameSite: "Sometimes" }], origins: [] } } },
      { body: { version, storageState: { cookies: [{ name: 1 }], origins: [] } } },
      { body: { version, storageState: { cookies: [], origins: [{ origin: 5 }] } } },
      { body: { version, storageState: { cookies: [], origins: [] }, extra: true } },
      { body: { version, storageState: { cookies: Array.from({ length: 5_001 }, () => cookie), origins: [] } } },
      { body: { version: version + 7, storageState: { cookies: [], origins: [] } } },
    ];
    for (let i = 0; i < 60; i++) {
      const random = randomBytes(1 + Math.floor(Math.random() * 400));
      bodies.push(
        i % 2
          ? { raw: random.toString("latin1") }
          : { raw: JSON.stringify({ version, storageState: random.toString("base64") }) },
      );
    }
    for (const { raw, body } of bodies) {
      const answer = await stack.api("POST", `/credentials/${id}/check-in`, raw !== undefined ? { raw } : { body });
      expect(
        answer.status,
        `${answer.status} for ${String(raw ?? JSON.stringify(body)).slice(0, 80)}`,
      ).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
    // Past CHECK_IN_BODY_LIMIT_BYTES: 413, or the connection closed while the body was still being sent.
    const huge = JSON.stringify({ version, storageState: { cookies: [], origins: [] }, pad: "x".repeat(2_000_000) });
    const tooLarge = await stack
      .api("POST", `/credentials/${id}/check-in`, { raw: huge, headers: { connection: "close" } })
      .catch(() => "closed" as const);
    if (tooLarge !== "closed") expect(tooLarge.status).toBe(413);
    expect(
      (
        await stack.api("POST", `/credentials/${id}/check-in`, {
          body: { version: version + 7, storageState: { cookies: [], origins: [] } },
        })
      ).body.error,
    ).toMatchObject({ code: "stale_version", details: { currentVersion: version } });
    expect(
      (
        await stack.api("POST", `/credentials/${id}/check-in`, {
          subject: "someone-else",
          body: { version, storageState: { cookies: [], origins: [] } },
        })
      ).status,
    ).toBe(404);
    // Nothing of that was stored: the credential is as it was, and works.
    expect((await credential(id)).version).toBe(version);
    await (await use(id)).close({ checkIn: true });
  });

  it("keeps every token the site handed out out of Redis and the logs", async () => {
    const secrets = rot.issuedSecrets();
    expect(secrets.length).toBeGreaterThan(20);
    const redis = await dumpRedis(stack.redis.url);
    const logs = stack.log.text();
    for (const value of secrets) {
      expect(redis).not.toContain(value);
      expect(logs).not.toContain(value);
    }
  });
});
