import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/core/logging/logger.ts";
import { createCredentialVault } from "../../src/credentials/credential-vault.ts";
import { createRedisCredentialStore } from "../../src/credentials/store/redis/redis-credential-store.ts";
import { buildCipher } from "../../src/crypto/build-cipher.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { startWebhookReceiver, verifyStandardWebhook } from "../helpers/webhook-receiver.ts";

/**
 * Health checks and re-login (issue 9): real Redis, real Chromium, the fixture site revoking sessions
 * server-side, the scripted user logging in, a webhook receiver on loopback.
 */
describe("credential lifecycle: verify, refresh, scheduled checks, re-login", () => {
  let stack: TestStack;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const secret = `whsec_${randomBytes(32).toString("base64")}`;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    const file = join(mkdtempSync(join(tmpdir(), "blc-lifecycle-")), "webhooks.json");
    writeFileSync(
      file,
      JSON.stringify({
        endpoints: [
          {
            id: "whe_lifecycle",
            url: receiver.url("/hook"),
            events: ["credential.verified", "credential.expired", "credential.renewed"],
            secret: "${LIFECYCLE_SECRET}",
          },
        ],
      }),
    );
    process.env.LIFECYCLE_SECRET = secret;
    stack = await startTestStack({
      env: {
        WEBHOOKS_FILE: file,
        WEBHOOK_PRIVATE_ALLOWED_FOR: `127.0.0.1:${receiver.port}`,
        WEBHOOK_RETRY_BASE_MS: "50",
      },
      providerOverrides: (site) => ({
        // A browser check: the dashboard stays for a logged-in visitor and sends others to /login.
        // The logged-out dashboard flashes for 300 ms of page time: settle past it on a loaded machine.
        demo: {
          verify: {
            url: `${site.appOrigin}/dashboard`,
            loggedIn: { url: { pathname: "/dashboard" } },
            loggedOut: { url: { pathname: "/login" } },
            settleMs: 2_500,
            timeoutMs: 15_000,
          },
        },
        // Scheduled and cheap: /api/me answers 200 only to a logged-in cookie.
        "demo-url-only": {
          verify: {
            url: `${site.appOrigin}/dashboard`,
            loggedOut: { url: { pathname: "/login" } },
            http: { url: `${site.appOrigin}/api/me`, expectStatus: 200 },
          },
          verifyEvery: "1500ms",
        },
        // A check page that never finishes loading: the check is under way when the worker stops.
        "demo-cookie": {
          verify: { url: `${site.appOrigin}/slow-login?tag=verify-hold`, loggedIn: { cookie: { name: "session" } } },
        },
      }),
      // No verify: the default check opens the login URL, which sends a visitor still logged in to the dashboard.
      extraProviders: (site) => [
        {
          id: "demo-default",
          name: "Demo, default check",
          loginUrl: site.loginUrl,
          success: { url: { pathname: "/dashboard" } },
          settleMs: 2_500,
        },
      ],
    });
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
    delete process.env.LIFECYCLE_SECRET;
  });

  /** A credential captured by the scripted user logging in through a session of `providerId`. */
  async function capture(providerId: string): Promise<string> {
    const { tag, sessionId } = await startTagged(stack, providerId);
    await stack.user.logIn(await stack.user.findPage((u) => u.includes(tag)));
    const done = await waitForStatus(stack, sessionId, "completed", { timeoutMs: 30_000 });
    return done.credentialId!;
  }

  const webhooksFor = (credentialId: string, type: string) =>
    receiver.received.filter((r) => {
      const body = JSON.parse(r.body);
      return body.type === type && body.data.id === credentialId;
    });

  /** No tab of the worker's Chromium still shows a page of the site (every check closed its context). */
  async function openSitePages(): Promise<string[]> {
    const targets = (await (await fetch(`http://127.0.0.1:${stack.debugPort}/json/list`)).json()) as {
      type: string;
      url: string;
    }[];
    return targets.filter((t) => t.type === "page" && t.url.startsWith(stack.site.appOrigin)).map((t) => t.url);
  }

  it("verify: active while the site knows the session (what the visit changed is stored in place), expired once the site revokes it (nothing stored)", async () => {
    const id = await capture("demo");
    const before = await stack.api("GET", `/credentials/${id}/storage-state`);

    const active = await stack.api("POST", `/credentials/${id}/verify?wait=60000`);
    expect(active.status, JSON.stringify(active.body)).toBe(200);
    // The dashboard writes a new demo.profile on each visit: the check keeps it (version 2), not throws it away.
    expect(active.body).toMatchObject({
      credentialId: id,
      state: "completed",
      status: "active",
      method: "browser",
      version: 2,
      refreshed: true,
    });
    const listed = (await stack.api("GET", "/credentials")).body.credentials.find((c: { id: string }) => c.id === id);
    expect(listed).toMatchObject({
      status: "active",
      version: 2,
      lastVerifiedAt: active.body.lastVerifiedAt,
      lastAcceptedAt: active.body.lastVerifiedAt,
      lastCheck: { status: "active", method: "browser", touched: true, renewed: true },
      lastRenewal: { by: "check" },
      usage: "restore",
    });
    expect(listed.expiresAt).toEqual(expect.any(String));
    await waitFor(
      () => webhooksFor(id, "credential.verified").length > 0 && webhooksFor(id, "credential.renewed").length > 0,
      {
        what: "credential.verified and credential.renewed webhooks",
        timeoutMs: 15_000,
      },
    );
    const renewedState = (await stack.api("GET", `/credentials/${id}/storage-state`)).body;
    const profile = (s: { origins: { origin: string; localStorage: { name: string; value: string }[] }[] }) =>
      s.origins.find((o) => o.origin === stack.site.appOrigin)?.localStorage.find((i) => i.name === "demo.profile")
        ?.value;
    expect(renewedState.version).toBe(2);
    expect(profile(renewedState.storageState)).not.toBe(profile(before.body.storageState));

    expect(stack.site.revokeSessions()).toBeGreaterThan(0);
    const expired = await stack.api("POST", `/credentials/${id}/verify?wait=60000`);
    expect(expired.body).toMatchObject({
      state: "completed",
      status: "expired",
      method: "browser",
      version: 2,
      refreshed: false,
    });
    expect((await stack.api("GET", `/credentials/${id}`)).body).toMatchObject({ status: "expired", version: 2 });
    const hook = await waitFor(() => webhooksFor(id, "credential.expired")[0], {
      what: "credential.expired webhook",
      timeoutMs: 15_000,
    });
    expect(verifyStandardWebhook(secret, hook.headers, hook.body)).toBe(true);

    // A logged-out browser's state is not stored.
    const after = await stack.api("GET", `/credentials/${id}/storage-state`);
    expect(after.body.storageState).toEqual(renewedState.storageState);
    const purposes = (await stack.api("GET", `/credentials/${id}/audit`)).body.entries.map(
      (e: { purpose: string }) => e.purpose,
    );
    expect(purposes.filter((p: string) => p === "verify")).toHaveLength(2);
    await waitFor(async () => (await openSitePages()).length === 0, { what: "check pages to be closed" });
  });

  it("verify?refresh=true saves the state as the site left it, in place, merged: the origin the check did not load keeps its storage", async () => {
    const id = await capture("demo");
    const before = (await stack.api("GET", `/credentials/${id}/storage-state`)).body.storageState;
    const sso = (s: typeof before) => s.origins.find((o: { origin: string }) => o.origin === stack.site.ssoOrigin);
    // The login crossed two origins: the SSO's localStorage (sso.device) and cookie are in the credential.
    expect(sso(before)?.localStorage.map((i: { name: string }) => i.name)).toContain("sso.device");

    // The check loads the app's dashboard only: Playwright's capture holds nothing of the SSO origin.
    const refreshed = await stack.api("POST", `/credentials/${id}/verify?refresh=true&wait=60000`);
    expect(refreshed.body).toMatchObject({ credentialId: id, status: "active", refreshed: true, version: 2 });
    expect((await stack.api("GET", `/credentials/${id}`)).body).toMatchObject({ id, version: 2, status: "active" });
    const state = await stack.api("GET", `/credentials/${id}/storage-state`);
    expect(state.status).toBe(200);
    expect(state.body.storageState.cookies.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(["session", "sso_session"]),
    );
    expect(sso(state.body.storageState)).toEqual(sso(before));
    expect(state.body.storageState.origins.map((o: { origin: string }) => o.origin).sort()).toEqual(
      before.origins.map((o: { origin: string }) => o.origin).sort(),
    );
  });

  it("answers 202 with a check URL when the result takes longer than wait, and the URL gives the result", async () => {
    const id = (await stack.api("GET", "/credentials")).body.credentials.find(
      (c: { providerId: string; status: string }) => c.providerId === "demo" && c.status === "active",
    ).id;
    const queued = await stack.api("POST", `/credentials/${id}/verify?wait=0`);
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({
      state: "pending",
      checkUrl: `/credentials/${id}/checks/${queued.body.checkId}`,
    });
    const done = await stack.api("GET", `${queued.body.checkUrl}?wait=60000`);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: "active", state: "completed" });
    expect((await stack.api("GET", queued.body.checkUrl, { subject: "someone-else" })).status).toBe(404);
  });

  it("refuses what cannot be checked: another subject's credential, bad ids", async () => {
    const id = (await stack.api("GET", "/credentials")).body.credentials[0].id;
    expect((await stack.api("POST", `/credentials/${id}/verify`, { subject: "someone-else" })).status).toBe(404);
    const bad = await stack.api("POST", "/credentials/nope/verify");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_id");
  });

  it("a provider without verify gets the default check: active when the login URL leads to the logged-in page, inconclusive (never expired) otherwise", async () => {
    const id = await capture("demo-default");
    const active = await stack.api("POST", `/credentials/${id}/verify?wait=60000`);
    expect(active.status, JSON.stringify(active.body)).toBe(200);
    expect(active.body).toMatchObject({
      status: "active",
      method: "browser",
      reason: "The login URL led to the logged-in condition",
    });

    stack.site.revokeSessions();
    const doubt = await stack.api("POST", `/credentials/${id}/verify?wait=60000`);
    expect(doubt.body).toMatchObject({ state: "completed", status: "inconclusive", method: "browser" });
    expect(doubt.body.reason).toMatch(/did not lead to the logged-in condition.*declare "verify"/);
    const after = (await stack.api("GET", `/credentials/${id}`)).body;
    expect(after).toMatchObject({
      status: "inconclusive",
      lastCheck: { status: "inconclusive", reason: doubt.body.reason },
    });
    expect(webhooksFor(id, "credential.expired")).toEqual([]);
  });

  it("re-login: seeded with the old state, replaces the credential in place (same id, next version); the old version is readable until then", async () => {
    const id = await capture("demo");
    const oldState = (await stack.api("GET", `/credentials/${id}/storage-state`)).body.storageState;
    stack.site.revokeSessions();

    const started = await stack.api("POST", `/credentials/${id}/relogin?wait=10000`);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({ status: "awaiting_login", credentialId: id });
    const sessionId = started.body.sessionId;

    // Until the new login is captured, the previous version is what the credential holds.
    const during = await stack.api("GET", `/credentials/${id}/storage-state`);
    expect(during.body.storageState).toEqual(oldState);
    expect((await stack.api("GET", `/credentials/${id}`)).body.version).toBe(1);

    // The re-login's browser started with the old state: its localStorage is already there.
    const page = await stack.user.findPage((u) => u === stack.site.loginUrl);
    const oldProfile = oldState.origins
      .find((o: { origin: string }) => o.origin === stack.site.appOrigin)
      .localStorage.find((i: { name: string }) => i.name === "demo.profile").value;
    expect(await page.evaluate(() => localStorage.getItem("demo.profile"))).toBe(oldProfile);
    await stack.user.logIn(page);
    const done = await waitForStatus(stack, sessionId, "completed", { timeoutMs: 30_000 });
    expect(done.credentialId).toBe(id);

    const renewed = (await stack.api("GET", `/credentials/${id}`)).body;
    expect(renewed).toMatchObject({ id, version: 2, status: "active", sessionId });
    const newState = (await stack.api("GET", `/credentials/${id}/storage-state`)).body.storageState;
    const cookie = (s: { cookies: { name: string; value: string }[] }) =>
      s.cookies.find((c) => c.name === "session")?.value;
    expect(cookie(newState)).not.toBe(cookie(oldState));
    await waitFor(() => webhooksFor(id, "credential.renewed").length > 0, {
      what: "credential.renewed webhook",
      timeoutMs: 15_000,
    });
    const check = await stack.api("POST", `/credentials/${id}/verify?wait=60000`);
    expect(check.body).toMatchObject({ status: "active", version: 3, refreshed: true });
    const purposes = (await stack.api("GET", `/credentials/${id}/audit`)).body.entries.map(
      (e: { purpose: string }) => e.purpose,
    );
    expect(purposes).toContain("relogin_seed");
    expect(purposes).toContain("verify");
  });

  it("scheduled checks (verifyEvery, the HTTP check) find a revoked session and fire credential.expired", async () => {
    const id = await capture("demo-url-only");
    await waitFor(() => webhooksFor(id, "credential.verified").length > 0, {
      what: "a scheduled check finding it active",
      timeoutMs: 20_000,
    });
    stack.site.revokeSessions();
    const hook = await waitFor(() => webhooksFor(id, "credential.expired")[0], {
      what: "a scheduled check finding it expired",
      timeoutMs: 20_000,
    });
    expect(verifyStandardWebhook(secret, hook.headers, hook.body)).toBe(true);
    expect(JSON.parse(hook.body).data).toMatchObject({ id, status: "expired", providerId: "demo-url-only" });
    expect((await stack.api("GET", `/credentials/${id}`)).body.status).toBe("expired");
  });

  it("scheduled checks mark a credential whose cookies' own expiry has passed expired, with no browser and no decrypt", async () => {
    const redis = new Redis(stack.redis.url);
    try {
      const vault = createCredentialVault(
        createRedisCredentialStore(redis, stack.config.REDIS_PREFIX),
        buildCipher(stack.config, createLogger({ level: "silent" })),
      );
      const expired = Math.floor(Date.now() / 1000) - 60;
      const state = {
        cookies: [
          {
            name: "session",
            value: `gone-${randomBytes(8).toString("hex")}`,
            domain: "localhost",
            path: "/",
            expires: expired,
            httpOnly: true,
            secure: false,
            sameSite: "Lax" as const,
          },
        ],
        origins: [],
      };
      const sealed = await vault.seal({
        secret: { kind: "browser_login", state },
        owner: { userId: "user-1" },
        providerId: "demo-url-only",
      });
      expect(sealed).toMatchObject({ status: "active", expiresAt: new Date(expired * 1000).toISOString() });
      const hook = await waitFor(() => webhooksFor(sealed.id, "credential.expired")[0], {
        what: "credential.expired from the predicted expiry",
        timeoutMs: 20_000,
      });
      expect(JSON.parse(hook.body).data).toMatchObject({ id: sealed.id, status: "expired" });
      expect((await stack.api("GET", `/credentials/${sealed.id}/audit`)).body.entries).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it("a worker stopping during a check ends it: recorded inconclusive, the page closed, the answer available", async () => {
    const id = await capture("demo-cookie");
    const queued = await stack.api("POST", `/credentials/${id}/verify?wait=0`);
    expect(queued.status).toBe(202);
    await waitFor(() => stack.site.holding("verify-hold") > 0, {
      what: "the check page to be loading",
      timeoutMs: 30_000,
    });
    await stack.stopWorker(2_000);
    // The check's tab is gone: its held request was dropped.
    expect(stack.site.holding("verify-hold")).toBe(0);
    const done = await stack.api("GET", `${queued.body.checkUrl}?wait=10000`);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      state: "completed",
      status: "inconclusive",
      reason: "The worker shut down during the check",
    });
    expect((await stack.api("GET", `/credentials/${id}`)).body).toMatchObject({ status: "inconclusive", version: 1 });
  });

  it("keeps every secret the site handed out out of Redis (jobs, results, events), webhooks and logs", async () => {
    const secrets = stack.site.issuedSecrets();
    expect(secrets.length).toBeGreaterThan(5);
    const redis = await dumpRedis(stack.redis.url);
    const hooks = receiver.received.map((r) => r.body).join("\n");
    const logs = stack.log.text();
    for (const value of secrets) {
      expect(redis).not.toContain(value);
      expect(hooks).not.toContain(value);
      expect(logs).not.toContain(value);
    }
  });
});
