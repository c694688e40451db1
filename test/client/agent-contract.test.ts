import { randomBytes, randomUUID } from "node:crypto";
import {
  CredentialRejected,
  createAuthenticatedTool,
  createServiceClient,
  isAuthRequired,
  requireCredential,
  type ServiceClient,
} from "@browser-login-capture/client";
import { restoreSession } from "@browser-login-capture/client/playwright";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../src/browser/local-playwright/chromium-launch.ts";
import { type ApiKeyService, startApiKeyService } from "../helpers/api-key-service.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** The agent contract against the real service: a tool answers auth_required, the user connects, the tool runs. */
describe("agent contract: requireCredential and createAuthenticatedTool", () => {
  let stack: TestStack;
  let service: ApiKeyService;
  let browser: Browser;
  const goodKey = `sk_live_${randomBytes(16).toString("hex")}`;
  const client = (userId: string): ServiceClient =>
    createServiceClient({ baseUrl: stack.baseUrl, apiKey: stack.apiKey, subject: { userId } });

  beforeAll(async () => {
    service = await startApiKeyService(goodKey);
    stack = await startTestStack({
      extraProviders: [
        {
          kind: "api_key",
          id: "fixture-key",
          name: "Fixture API",
          fields: [{ name: "apiKey", label: "API key" }],
          validation: { url: `${service.url}/v1/me`, headers: { Authorization: "Bearer {{apiKey}}" } },
        },
        // No validation request: a wrong key is stored, and only the tool finds out.
        {
          kind: "api_key",
          id: "fixture-unchecked",
          name: "Fixture API, unchecked",
          fields: [{ name: "apiKey", label: "API key" }],
        },
        {
          kind: "oauth2",
          id: "fixture-oauth",
          name: "Fixture OAuth",
          authorizationEndpoint: "https://auth.fixture.test/authorize",
          tokenEndpoint: "https://auth.fixture.test/token",
          scopes: ["read"],
        },
      ],
    });
    browser = (await launchChromium(chromium, { window: "headless" })).browser;
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await service?.close();
  });

  /** A tool that calls the fixture API with the stored key, as an agent's tool would. */
  function accountTool(api: ServiceClient, providerId: string) {
    const calls: string[] = [];
    const tool = createAuthenticatedTool({
      client: api,
      providerId,
      async execute(input: { field: "name" | "id" }, credential) {
        if (credential.authMethod !== "api_key") throw new Error(`expected an API key, got ${credential.authMethod}`);
        calls.push(credential.fields.apiKey!);
        const response = await fetch(`${service.url}/v1/me`, {
          headers: { authorization: `Bearer ${credential.fields.apiKey}` },
        });
        if (response.status === 401) throw new CredentialRejected();
        return ((await response.json()) as Record<string, string>)[input.field];
      },
    });
    return { tool, calls };
  }

  it("api_key: answers auth_required with the fields to ask for, then runs once the key is submitted", async () => {
    const api = client("agent-user-1");
    const { tool, calls } = accountTool(api, "fixture-key");
    const first = await tool({ field: "name" });
    expect(first).toEqual({
      type: "auth_required",
      providerId: "fixture-key",
      providerName: "Fixture API",
      authMethod: "api_key",
      reason: "no_credential",
      fields: [{ name: "apiKey", label: "API key", secret: true }],
      validated: true,
      start: { method: "POST", path: "/credentials", body: { providerId: "fixture-key" } },
    });
    expect(calls).toEqual([]);

    const connected = tool.whenConnected({ field: "name" }, { intervalMs: 50, timeoutMs: 30_000 });
    await expect(
      api.submitApiKey({ providerId: "fixture-key", fields: { apiKey: `${goodKey}x` } }),
    ).rejects.toMatchObject({ status: 422, code: "api_key_rejected" });
    await api.submitApiKey({ providerId: "fixture-key", fields: { apiKey: goodKey } });
    expect(await connected).toBe("Fixture account");
    expect(await tool({ field: "id" })).toBe("acct_1");
    expect(calls).toEqual([goodKey, goodKey]);

    const found = await requireCredential(api, "fixture-key");
    expect(found).toMatchObject({
      type: "credential",
      authMethod: "api_key",
      providerId: "fixture-key",
      version: 1,
      fields: { apiKey: goodKey },
    });
    // Another subject has no credential for it.
    expect(await requireCredential(client("agent-user-2"), "fixture-key")).toMatchObject({
      type: "auth_required",
      reason: "no_credential",
    });
  });

  it("api_key: a key the service refuses turns into auth_required (rejected) and is not tried again until replaced", async () => {
    // Counts the tool's looks at the credential list: each is one round of waiting.
    let listings = 0;
    const counting = (request: Request) => {
      if (new URL(request.url).pathname === "/credentials" && request.method === "GET") listings++;
      return fetch(request);
    };
    const api = createServiceClient({
      baseUrl: stack.baseUrl,
      apiKey: stack.apiKey,
      subject: { userId: "agent-user-3" },
      fetch: counting,
    });
    const { tool, calls } = accountTool(api, "fixture-unchecked");
    await api.submitApiKey({ providerId: "fixture-unchecked", fields: { apiKey: "revoked-key" } });
    expect(await tool({ field: "name" })).toMatchObject({
      type: "auth_required",
      authMethod: "api_key",
      reason: "rejected",
    });
    const connected = tool.whenConnected({ field: "name" }, { intervalMs: 20, timeoutMs: 30_000 });
    // Waits on a rejected key without calling the service with it again and again: once more at most, to learn it is refused.
    const before = listings;
    await waitFor(() => listings >= before + 5, { what: "five rounds of waiting" });
    expect(calls).toEqual(["revoked-key", "revoked-key"]);
    const replaced = await api.submitApiKey({ providerId: "fixture-unchecked", fields: { apiKey: goodKey } });
    expect(replaced.version).toBe(2);
    expect(await connected).toBe("Fixture account");
    expect(calls).toEqual(["revoked-key", "revoked-key", goodKey]);
  });

  it("oauth2: answers auth_required with the start call and the scopes", async () => {
    expect(await requireCredential(client("agent-user-1"), "fixture-oauth")).toEqual({
      type: "auth_required",
      providerId: "fixture-oauth",
      providerName: "Fixture OAuth",
      authMethod: "oauth2",
      reason: "no_credential",
      scopes: ["read"],
      start: { method: "POST", path: "/oauth2/start", body: { providerId: "fixture-oauth" } },
    });
  });

  it("browser_login: answers auth_required, the user logs in through a session, and the tool runs with the captured state and checks it in", async () => {
    const api = client("agent-user-4");
    let checkedIn: Awaited<ReturnType<Awaited<ReturnType<typeof restoreSession>>["close"]>>;
    let userAgents: { recorded?: string; shown: string } | undefined;
    const tool = createAuthenticatedTool({
      client: api,
      providerId: "demo",
      // biome-ignore lint/suspicious/noConfusingVoidType: a tool called without input, as agents call such tools
      async execute(_input: void, credential) {
        if (credential.authMethod !== "browser_login")
          throw new Error(`expected a browser login, got ${credential.authMethod}`);
        // Use, check in, or lose it: the dashboard writes new storage, which goes back to the service.
        const session = await restoreSession(browser, { client: api, ...credential });
        try {
          const page = await session.context.newPage();
          await page.goto(`${stack.site.appOrigin}/dashboard`);
          // The device the site saw at login comes with the credential, and the agent's browser shows it.
          userAgents = {
            recorded: credential.device?.userAgent,
            shown: await page.evaluate(() => navigator.userAgent),
          };
          return await page.locator("#welcome").textContent();
        } finally {
          checkedIn = await session.close({ checkIn: true });
        }
      },
    });
    const first = await tool();
    expect(first).toMatchObject({
      type: "auth_required",
      authMethod: "browser_login",
      reason: "no_credential",
      captureOn: "authenticated",
      start: { path: "/browser-login/start", body: { providerId: "demo" } },
    });
    if (!isAuthRequired(first)) throw new Error("expected auth_required");

    const connected = tool.whenConnected(undefined, { intervalMs: 100, timeoutMs: 60_000 });
    // What the app does with auth_required: start the session and send the user to its live view.
    const tag = randomUUID();
    const session = await api.startBrowserLogin(
      { ...first.start.body, loginUrl: `${stack.site.appOrigin}/login?tag=${tag}` },
      10_000,
    );
    expect(session.liveViewUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/live\//);
    await stack.user.logIn(await stack.user.findPage((url) => url.includes(tag)));
    expect(await connected).toBe("Welcome, alice");
    expect(checkedIn).toEqual({ outcome: "renewed", version: 2 });
    expect(userAgents?.recorded).toBeTruthy();
    expect(userAgents?.shown).toBe(userAgents?.recorded);
  });
});
