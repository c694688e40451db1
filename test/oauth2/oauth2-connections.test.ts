import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../src/browser/local-playwright/chromium-launch.ts";
import { createEventLog } from "../../src/events/event-log.ts";
import type { ProviderInput } from "../../src/providers/provider-schema.ts";
import { freePort } from "../helpers/free-port.ts";
import { startAppPage } from "../helpers/oauth2-app-page.ts";
import { type OidcClientSpec, type OidcServer, startOidcServer } from "../helpers/oidc-server.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { startSecondApi } from "../helpers/second-api.ts";
import type { ServiceProcess } from "../helpers/service-process.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

const CLIENT: Omit<OidcClientSpec, "redirectUris"> = {
  clientId: "blc-app",
  clientSecret: "client-secret-3f9a1c7e5b2d4a6f8e0c",
};
const ORG_CLIENT: Omit<OidcClientSpec, "redirectUris"> = {
  clientId: "acme-app",
  clientSecret: "org-client-secret-8b2e4d6f0a1c3e5f7a9b",
};

describe("OAuth2 connections against a real authorization server, a real browser playing the user", () => {
  let stack: TestStack;
  let oidc: OidcServer;
  let app: Awaited<ReturnType<typeof startAppPage>>;
  let browser: Browser;
  let api2: { baseUrl: string; process: ServiceProcess };
  let client: OidcClientSpec;
  /** Every error body answered, to look for secrets in them at the end. */
  const answers: unknown[] = [];

  beforeAll(async () => {
    const port = await freePort();
    const redirectUris = [`http://127.0.0.1:${port}/oauth2/callback`];
    client = { ...CLIENT, redirectUris };
    oidc = await startOidcServer({ clients: [client, { ...ORG_CLIENT, redirectUris }] });
    app = await startAppPage();
    const provider: ProviderInput = {
      kind: "oauth2",
      id: "idp",
      name: "Test IdP",
      issuer: oidc.issuer,
      scopes: ["openid", "api"],
      clientId: CLIENT.clientId,
      clientSecret: CLIENT.clientSecret,
    };
    const oauth2Env = { OAUTH2_RETURN_ORIGINS: app.origin, OAUTH2_REFRESH_SKEW_SECONDS: "30" };
    stack = await startTestStack({
      withWorker: false,
      scriptedUser: false,
      extraProviders: [provider],
      env: { PORT: String(port), ...oauth2Env },
    });
    const providersFile = join(mkdtempSync(join(tmpdir(), "blc-oauth2-")), "providers.json");
    writeFileSync(providersFile, JSON.stringify({ providers: [provider] }));
    api2 = await startSecondApi(stack, {
      PROVIDERS_FILE: providersFile,
      OAUTH2_STATE_TTL_SECONDS: "1",
      LOG_LEVEL: "debug",
      ...oauth2Env,
    });
    browser = (await launchChromium(chromium, { window: "headless" })).browser;
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    api2?.process.kill();
    await stack?.close();
    await app?.close();
    await oidc?.close();
  });

  async function api(method: string, path: string, options: Parameters<TestStack["api"]>[2] = {}) {
    const answer = await stack.api(method, path, options);
    answers.push(answer.body);
    return answer;
  }

  /** The app page opens the popup; the user signs in and consents (or cancels) on the server's own pages. */
  async function connect(subject: string, { cancel = false, pageUrl = app.pageUrl } = {}) {
    const start = await api("POST", "/oauth2/start", {
      subject,
      body: { providerId: "idp", returnOrigin: app.origin },
    });
    expect(start.status).toBe(200);
    const context = await browser.newContext();
    // The server's dev pages import a web font; this machine has no way out.
    await context.route(/^https:\/\//, (route) => route.abort());
    try {
      const page = await context.newPage();
      await page.goto(pageUrl(start.body.authorizationUrl));
      const popupOpened = page.waitForEvent("popup");
      await page.click("#connect");
      const popup = await popupOpened;
      const callbacks: string[] = [];
      popup.on("request", (request) => {
        if (request.url().includes("/oauth2/callback")) callbacks.push(request.url());
      });
      if (cancel) await popup.click("text=[ Cancel ]");
      else {
        await popup.locator('input[name="login"]').pressSequentially(subject);
        await popup.locator('input[name="password"]').pressSequentially("any password");
        await popup.click('button:has-text("Sign-in")');
        await popup.click('button:has-text("Continue")');
      }
      const handle = await page.waitForFunction(
        () => (window as unknown as { oauth2Messages: unknown[] }).oauth2Messages[0],
        undefined,
        { timeout: 20_000 },
      );
      const message = (await handle.jsonValue()) as {
        origin: string;
        data: { type: string; credentialId?: string; error?: { code: string; message: string } };
      };
      await waitFor(() => popup.isClosed(), { what: "the popup to close itself" });
      return { ...message, callbackUrl: callbacks[0]!, shown: await page.textContent("#result") };
    } finally {
      await context.close();
    }
  }

  let credentialId: string;
  let callbackUrl: string;

  it("code + PKCE: the app page receives the credential id from our origin, and the token works at the server", async () => {
    const result = await connect("user-1");
    expect(result.origin).toBe(stack.baseUrl);
    expect(result.data.type).toBe("oauth2_result");
    expect(result.data.credentialId).toMatch(/^cred_/);
    expect(result.shown).toContain(result.data.credentialId);
    credentialId = result.data.credentialId!;
    callbackUrl = result.callbackUrl;

    const listed = await api("GET", "/credentials", { subject: "user-1" });
    expect(listed.body.credentials).toEqual([
      expect.objectContaining({ id: credentialId, kind: "oauth2", providerId: "idp", status: "active" }),
    ]);
    const token = await api("GET", `/credentials/${credentialId}/access-token`, { subject: "user-1" });
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({
      credentialId,
      tokenType: "Bearer",
      scopes: expect.arrayContaining(["openid", "api"]),
    });
    expect(token.body.accessToken).toBe(oidc.issued.accessTokens.at(-1));
    const userinfo = await fetch(`${oidc.issuer}/me`, {
      headers: { authorization: `Bearer ${token.body.accessToken}` },
    });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: "user-1" });
  }, 60_000);

  it("refuses a replayed state: the callback URL opened again says so, and no second credential appears", async () => {
    const page = await browser.newPage();
    try {
      const response = await page.goto(callbackUrl);
      expect(response?.status()).toBe(400);
      expect(await page.textContent("#message")).toMatch(/unknown, has expired or was already used/);
    } finally {
      await page.close();
    }
    expect((await api("GET", "/credentials", { subject: "user-1" })).body.credentials).toHaveLength(1);
  });

  it("another subject's connection does not exist for them", async () => {
    expect((await api("GET", `/credentials/${credentialId}/access-token`, { subject: "user-2" })).status).toBe(404);
    expect((await api("GET", "/credentials", { subject: "user-2" })).body.credentials).toEqual([]);
  });

  it("refuses a return origin that is not on the allowlist", async () => {
    const answer = await api("POST", "/oauth2/start", {
      subject: "user-1",
      body: { providerId: "idp", returnOrigin: "https://evil.example" },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe("return_origin_not_allowed");
  });

  it("posts only to the bound return origin: an opener on another origin gets nothing", async () => {
    // The same app page reached as 127.0.0.1 instead of localhost: another origin than the one bound to the state.
    const elsewhere = (url: string) => app.pageUrl(url).replace("http://localhost:", "http://127.0.0.1:");
    const subject = "user-8";
    const start = await api("POST", "/oauth2/start", {
      subject,
      body: { providerId: "idp", returnOrigin: app.origin },
    });
    const context = await browser.newContext();
    await context.route(/^https:\/\//, (route) => route.abort());
    try {
      const page = await context.newPage();
      await page.goto(elsewhere(start.body.authorizationUrl));
      const popupOpened = page.waitForEvent("popup");
      await page.click("#connect");
      const popup = await popupOpened;
      await popup.locator('input[name="login"]').pressSequentially(subject);
      await popup.locator('input[name="password"]').pressSequentially("any password");
      await popup.click('button:has-text("Sign-in")');
      await popup.click('button:has-text("Continue")');
      // The callback page ran its script (it closes itself after posting), and the connection exists.
      await waitFor(() => popup.isClosed(), { what: "the popup to close itself" });
      expect((await api("GET", "/credentials", { subject })).body.credentials).toHaveLength(1);
      expect(await page.evaluate(() => (window as unknown as { oauth2Messages: unknown[] }).oauth2Messages)).toEqual(
        [],
      );
    } finally {
      await context.close();
    }
  }, 60_000);

  it("refuses an expired state", async () => {
    const start = await fetch(`${api2.baseUrl}/oauth2/start`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${stack.apiKey}`,
        "x-subject-user-id": "user-1",
        "content-type": "application/json",
      },
      body: JSON.stringify({ providerId: "idp", returnOrigin: app.origin }),
    }).then((r) => r.json());
    const state = new URL(start.authorizationUrl).searchParams.get("state")!;
    const redis = new Redis(stack.redis.url);
    try {
      await waitFor(async () => (await redis.exists(`blc:oauth2-state:${state}`)) === 0, {
        what: "the state to expire (1 s)",
      });
    } finally {
      redis.disconnect();
    }
    const page = await fetch(`${stack.baseUrl}/oauth2/callback?state=${state}&code=any`);
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/unknown, has expired or was already used/);
  });

  it("access_denied: the user cancels on the provider's page, the app page gets the error, nothing is stored", async () => {
    const result = await connect("user-3", { cancel: true });
    expect(result.origin).toBe(stack.baseUrl);
    expect(result.data.error).toMatchObject({ code: "access_denied", message: expect.stringMatching(/not allowed/) });
    expect(result.data.credentialId).toBeUndefined();
    expect((await api("GET", "/credentials", { subject: "user-3" })).body.credentials).toEqual([]);
  }, 60_000);

  it("refreshes on expiry; 20 concurrent callers across two API processes share one refresh request", async () => {
    oidc.setAccessTokenTtl(5); // within the 30 s skew: due for refresh at once
    const { data } = await connect("user-4");
    oidc.setAccessTokenTtl(3600);
    const id = data.credentialId!;
    const original = oidc.issued.accessTokens.at(-1);
    const refreshesBefore = oidc.refreshRequests();
    const call = (base: string) =>
      fetch(`${base}/credentials/${id}/access-token`, {
        headers: { authorization: `Bearer ${stack.apiKey}`, "x-subject-user-id": "user-4" },
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => call(i % 2 ? api2.baseUrl : stack.baseUrl)));
    answers.push(...results.map((r) => r.body));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(oidc.refreshRequests() - refreshesBefore).toBe(1);
    const tokens = new Set(results.map((r) => r.body.accessToken));
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).not.toBe(original);
    expect([...tokens][0]).toBe(oidc.issued.accessTokens.at(-1));
    expect(Date.parse(results[0]!.body.expiresAt) - Date.now()).toBeGreaterThan(3000_000);

    // Rotation persisted: the stored (rotated) refresh token works, the one it replaced is refused.
    const [first, rotated] = oidc.issued.refreshTokens.slice(-2);
    const forced = await api("POST", `/credentials/${id}/refresh`, { subject: "user-4" });
    expect(forced.status).toBe(200);
    expect(forced.body.accessToken).not.toBe([...tokens][0]);
    expect(oidc.refreshRequests() - refreshesBefore).toBe(2);
    expect(oidc.issued.refreshTokens.at(-2)).toBe(rotated);
    expect(await oidc.refreshDirect(client, first!)).toEqual({ ok: false, error: "invalid_grant" });
  }, 60_000);

  it("tokens that live shorter than the skew: one call, one refresh, the short-lived token handed out", async () => {
    oidc.setAccessTokenTtl(5);
    try {
      const { data } = await connect("user-7");
      const refreshesBefore = oidc.refreshRequests();
      const answer = await api("GET", `/credentials/${data.credentialId}/access-token`, { subject: "user-7" });
      expect(answer.status).toBe(200);
      expect(oidc.refreshRequests() - refreshesBefore).toBe(1);
      expect(answer.body.accessToken).toBe(oidc.issued.accessTokens.at(-1));
    } finally {
      oidc.setAccessTokenTtl(3600);
    }
  }, 60_000);

  it("invalid_grant marks the credential needs_reauth, logs the event and answers 409", async () => {
    const { data } = await connect("user-5");
    const id = data.credentialId!;
    // Someone else uses the refresh token: the server rotates it, so ours is refused.
    expect((await oidc.refreshDirect(client, oidc.issued.refreshTokens.at(-1)!)).ok).toBe(true);
    const answer = await api("POST", `/credentials/${id}/refresh`, { subject: "user-5" });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe("needs_reauth");
    expect((await api("GET", "/credentials", { subject: "user-5" })).body.credentials[0]).toMatchObject({
      id,
      status: "needs_reauth",
    });
    expect((await api("GET", `/credentials/${id}/access-token`, { subject: "user-5" })).body.error.code).toBe(
      "needs_reauth",
    );
    const redis = new Redis(stack.redis.url);
    try {
      const log = createEventLog(redis, { prefix: "blc", retentionMs: 86_400_000 });
      const events = await log.after(log.keys.all, "0", 1000);
      expect(events.filter((e) => e.credentialId === id).map((e) => e.type)).toEqual([
        "credential.created",
        "credential.needs_reauth",
      ]);
      answers.push(...events.map((e) => e.data));
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  it("delete revokes the refresh token at the provider first", async () => {
    const { data } = await connect("user-6");
    const refreshToken = oidc.issued.refreshTokens.at(-1)!;
    const revocationsBefore = oidc.revocationRequests();
    const answer = await api("DELETE", `/credentials/${data.credentialId}`, { subject: "user-6" });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ credentialId: data.credentialId, deleted: true, revocation: { status: "revoked" } });
    expect(oidc.revocationRequests() - revocationsBefore).toBe(1);
    expect(await oidc.refreshDirect(client, refreshToken)).toEqual({ ok: false, error: "invalid_grant" });
    expect((await api("GET", "/credentials", { subject: "user-6" })).body.credentials).toEqual([]);
  }, 60_000);

  it("an organisation sets its own client: secret write-only, used for its users' connections", async () => {
    expect(
      (
        await api("PUT", "/oauth2/clients/idp", {
          subject: "admin",
          body: { clientId: ORG_CLIENT.clientId, clientSecret: ORG_CLIENT.clientSecret },
        })
      ).body.error.code,
    ).toBe("org_required");
    const admin = { "x-subject-org-role": "admin" };
    const body = { clientId: ORG_CLIENT.clientId, clientSecret: ORG_CLIENT.clientSecret };
    // Members (the default role, or said so) may not change the organisation's client; a role that is neither is refused.
    for (const headers of [{}, { "x-subject-org-role": "member" }] as Record<string, string>[]) {
      const refused = await api("PUT", "/oauth2/clients/idp", { subject: "someone", org: "acme", headers, body });
      expect(refused).toMatchObject({ status: 403, body: { error: { code: "org_admin_required" } } });
    }
    expect(
      (
        await api("PUT", "/oauth2/clients/idp", {
          subject: "x",
          org: "acme",
          headers: { "x-subject-org-role": "owner" },
          body,
        })
      ).body.error.code,
    ).toBe("subject_required");
    const put = await api("PUT", "/oauth2/clients/idp", { subject: "admin", org: "acme", headers: admin, body });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      providerId: "idp",
      clientId: ORG_CLIENT.clientId,
      hasClientSecret: true,
      updatedAt: expect.any(String),
    });
    expect((await api("GET", "/oauth2/clients/idp", { subject: "someone", org: "acme" })).body).toEqual(put.body);
    const clientOf = async (org?: string) =>
      new URL(
        (await api("POST", "/oauth2/start", { subject: "u", org, body: { providerId: "idp" } })).body.authorizationUrl,
      ).searchParams.get("client_id");
    expect(await clientOf("acme")).toBe(ORG_CLIENT.clientId);
    expect(await clientOf("other")).toBe(CLIENT.clientId);
    expect((await api("DELETE", "/oauth2/clients/idp", { subject: "someone", org: "acme" })).status).toBe(403);
    expect(await clientOf("acme")).toBe(ORG_CLIENT.clientId);
    expect((await api("DELETE", "/oauth2/clients/idp", { subject: "admin", org: "acme", headers: admin })).status).toBe(
      204,
    );
    expect(await clientOf("acme")).toBe(CLIENT.clientId);
  });

  it("no access token, refresh token or client secret in Redis, logs, events or answers", async () => {
    const secrets = [
      ...oidc.issued.accessTokens,
      ...oidc.issued.refreshTokens,
      CLIENT.clientSecret,
      ORG_CLIENT.clientSecret,
    ];
    expect(secrets.length).toBeGreaterThan(10);
    const places = {
      redis: await dumpRedis(stack.redis.url),
      log: stack.log.text(),
      secondApiLog: api2.process.output(),
      // Answers other than access-token ones, which hand a token to its owner on purpose.
      answers: JSON.stringify(answers.filter((a) => !(a && typeof a === "object" && "accessToken" in a))),
    };
    for (const [where, text] of Object.entries(places)) {
      for (const secret of secrets) expect(text.includes(secret), `${secret.slice(0, 6)}… in ${where}`).toBe(false);
    }
  });
});
