import { randomBytes } from "node:crypto";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../src/browser/local-playwright/chromium-launch.ts";
import type { ProviderInput } from "../../src/providers/provider-schema.ts";
import { type ApiKeyService, startApiKeyService } from "../helpers/api-key-service.ts";
import { connectLinkClient } from "../helpers/connect-link-client.ts";
import { freePort } from "../helpers/free-port.ts";
import { type OidcServer, startOidcServer } from "../helpers/oidc-server.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

const CLIENT = { clientId: "blc-connect", clientSecret: "connect-client-secret-5d1e9a7c3b" };

describe("connect page: an API key and an OAuth2 connection, a person in a real Chromium", () => {
  let stack: TestStack;
  let service: ApiKeyService;
  let oidc: OidcServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const goodKey = `sk_live_${randomBytes(16).toString("hex")}`;
  const wrongKey = `sk_live_${randomBytes(16).toString("hex")}`;
  const subject = "person-k";
  /** The link the page was opened with. */
  let linkId: string;

  beforeAll(async () => {
    const port = await freePort();
    oidc = await startOidcServer({
      clients: [{ ...CLIENT, redirectUris: [`http://127.0.0.1:${port}/oauth2/callback`] }],
    });
    service = await startApiKeyService(goodKey);
    const providers: ProviderInput[] = [
      {
        kind: "api_key",
        id: "fixture-key",
        name: "Fixture API",
        fields: [
          {
            name: "apiKey",
            label: "API key",
            helpText: "Under Settings, then Developers.",
            helpUrl: "https://fixture.test/keys",
          },
        ],
        validation: {
          url: `${service.url}/v1/me`,
          headers: { Authorization: "Bearer {{apiKey}}" },
          expectedStatus: 200,
        },
      },
      { kind: "oauth2", id: "idp", name: "Test IdP", issuer: oidc.issuer, scopes: ["openid", "api"], ...CLIENT },
    ];
    // No OAUTH2_RETURN_ORIGINS: the connect page's origin is the service's own.
    stack = await startTestStack({
      withWorker: false,
      scriptedUser: false,
      extraProviders: providers,
      env: { PORT: String(port) },
    });
    browser = (await launchChromium(chromium, { window: "headless" })).browser;
    context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    // The authorization server's dev pages import a web font; this machine has no way out.
    await context.route(/^https:\/\//, (route) => route.abort());
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await service?.close();
    await oidc?.close();
  });

  const statusText = async () => (await page.locator("#status").textContent()) ?? "";
  const credentials = async () =>
    (await stack.api("GET", "/credentials", { subject })).body.credentials as Array<{
      id: string;
      kind: string;
      providerId: string;
      version: number;
    }>;

  it("opens the page for a link offering both", async () => {
    const minted = await stack.api("POST", "/connect/links", { subject, body: { providers: ["fixture-key", "idp"] } });
    expect(minted.status).toBe(201);
    linkId = minted.body.id;
    page = await context.newPage();
    await page.goto(minted.body.url);
    await waitFor(() => page.getByRole("button", { name: "Connect Test IdP", exact: true }).isVisible(), {
      what: "the OAuth2 provider's Connect button",
    });
    expect(await page.getByRole("button", { name: "Connect Fixture API", exact: true }).isVisible()).toBe(true);
  });

  it("answers each kind's endpoint for the link's providers of that kind only", async () => {
    const minted = await stack.api("POST", "/connect/links", { subject, body: { providers: ["fixture-key"] } });
    // As the page does: opened first, then its requests carry the cookie that binds the link to it.
    const opened = connectLinkClient(minted.body.url);
    expect((await opened.open()).status).toBe(200);
    const post = (path: string, body: unknown) => opened.call("POST", path, body);
    // Not offered by this link, and not of the endpoint's kind.
    expect(await post("/oauth2", { providerId: "idp" })).toMatchObject({
      status: 404,
      body: { error: { code: "provider_not_found" } },
    });
    expect(await post("/oauth2", { providerId: "fixture-key" })).toMatchObject({
      status: 404,
      body: { error: { code: "provider_not_found" } },
    });
    const forged = connectLinkClient(minted.body.url.replace(/.$/, (ch: string) => (ch === "A" ? "B" : "A")));
    expect(
      await forged.call("POST", "/api-key", { providerId: "fixture-key", fields: { apiKey: wrongKey } }),
    ).toMatchObject({
      status: 404,
      body: { error: { code: "connect_link_invalid" } },
    });
    expect(
      await post("/api-key", { providerId: "fixture-key", fields: { apiKey: wrongKey, extra: "x" } }),
    ).toMatchObject({
      status: 400,
      body: { error: { code: "invalid_fields", message: expect.stringContaining("unknown: extra") } },
    });
    expect(await credentials()).toEqual([]);
  });

  it("API key: a refused key is said under the form, without the key; the right one connects", async () => {
    await page.getByRole("button", { name: "Connect Fixture API", exact: true }).click();
    const input = page.getByLabel("API key", { exact: true });
    await waitFor(() => input.isVisible(), { what: "the API key field" });
    expect(await input.getAttribute("type")).toBe("password");
    expect(await input.getAttribute("autocomplete")).toBe("off");
    expect(await page.locator(".field .help").textContent()).toContain("Under Settings, then Developers.");
    expect(
      await page.getByRole("link", { name: "Where to find your API key at Fixture API" }).getAttribute("href"),
    ).toBe("https://fixture.test/keys");

    await input.fill(wrongKey);
    await page.keyboard.press("Enter");
    const alert = page.getByRole("alert");
    await waitFor(async () => (await alert.isVisible()) && ((await alert.textContent()) ?? "").includes("refused"), {
      what: "the refusal under the form",
    });
    const refusal = (await alert.textContent())!;
    expect(refusal).toContain("Fixture API refused the key (HTTP 401)");
    expect(refusal).toContain("Invalid API key provided: [redacted]");
    expect(refusal).not.toContain(wrongKey);
    expect(await input.getAttribute("aria-invalid")).toBe("true");
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await credentials()).toEqual([]);

    await input.fill(goodKey);
    await page.getByRole("button", { name: "Save" }).click();
    await waitFor(async () => (await statusText()) === "Connected: Fixture API.", { what: "the connected status" });
    expect(await page.locator("#api-key").isHidden()).toBe(true);
    expect(await page.locator("#connections li").allTextContents()).toEqual([expect.stringContaining("Fixture API")]);
    const [stored] = await credentials();
    expect(stored).toMatchObject({ kind: "api_key", providerId: "fixture-key", version: 1 });
    const secret = await stack.api("GET", `/credentials/${stored!.id}/secret`, { subject });
    expect(secret.body.fields).toEqual({ apiKey: goodKey });

    // Entered again (a rotated key): it takes the old one's place, as POST /credentials does.
    await page.getByRole("button", { name: "Connect Fixture API", exact: true }).click();
    await page.getByLabel("API key", { exact: true }).fill(goodKey);
    await page.getByRole("button", { name: "Save" }).click();
    await waitFor(async () => (await credentials())[0]?.version === 2, { what: "the key replaced in place" });
    expect((await credentials()).map((c) => c.id)).toEqual([stored!.id]);
    await waitFor(async () => (await statusText()) === "Connected: Fixture API.", {
      what: "the connected status again",
    });

    // The form at a phone's width: one column, nothing wider than the screen.
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(page.url());
    await phone.getByRole("button", { name: "Connect Fixture API", exact: true }).click();
    await waitFor(() => phone.getByLabel("API key", { exact: true }).isVisible(), { what: "the form on a phone" });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.getByRole("button", { name: "Cancel" }).click();
    await waitFor(
      async () => ((await phone.locator("#status").textContent()) ?? "") === "Fixture API was not connected.",
      { what: "the cancelled form" },
    );
    expect(await phone.locator("#api-key").isHidden()).toBe(true);
    await phone.close();
  });

  it("OAuth2: consent declined in the popup is said on the page, and nothing is stored", async () => {
    const popupOpened = page.waitForEvent("popup");
    await page.getByRole("button", { name: "Connect Test IdP", exact: true }).click();
    const popup = await popupOpened;
    await popup.click("text=[ Cancel ]");
    await waitFor(async () => (await statusText()).startsWith("Test IdP was not connected"), {
      timeoutMs: 20_000,
      what: "the refusal on the page",
    });
    expect(await statusText()).toBe(
      "Test IdP was not connected: The connection was not allowed: consent was declined on the provider's page.",
    );
    expect((await credentials()).map((c) => c.kind)).toEqual(["api_key"]);
    expect(await page.getByRole("button", { name: "Connect Test IdP", exact: true }).isEnabled()).toBe(true);
  });

  it("OAuth2: Connect opens the provider in a popup; consent there lists the connection; Disconnect revokes it", async () => {
    const popupOpened = page.waitForEvent("popup");
    await page.getByRole("button", { name: "Connect Test IdP", exact: true }).click();
    const popup = await popupOpened;
    await popup.locator('input[name="login"]').pressSequentially(subject);
    await popup.locator('input[name="password"]').pressSequentially("any password");
    await popup.click('button:has-text("Sign-in")');
    await popup.click('button:has-text("Continue")');
    await waitFor(async () => (await statusText()) === "Connected: Test IdP.", {
      timeoutMs: 20_000,
      what: "the page told by the callback",
    });
    await waitFor(() => popup.isClosed(), { what: "the popup to close itself" });
    const listed = await page.locator("#connections li").allTextContents();
    expect(listed).toEqual(
      expect.arrayContaining([expect.stringContaining("Test IdP"), expect.stringContaining("Fixture API")]),
    );
    const oauth2 = (await credentials()).find((c) => c.kind === "oauth2");
    expect(oauth2).toMatchObject({ providerId: "idp" });

    const before = oidc.revocationRequests();
    await page.getByRole("button", { name: /^Disconnect Test IdP/ }).click();
    // The person hears that the provider revoked the app's access, not only that the connection is gone.
    await waitFor(async () => (await statusText()).startsWith("Disconnected: Test IdP"), {
      what: "the disconnected status",
    });
    expect(await statusText()).toBe("Disconnected: Test IdP. Test IdP has revoked this app's access.");
    expect(oidc.revocationRequests() - before).toBe(1);
    expect((await credentials()).map((c) => c.kind)).toEqual(["api_key"]);
    expect(await page.locator("#connections li").allTextContents()).toEqual([expect.stringContaining("Fixture API")]);
  });

  it("OAuth2: revoking the link forgets the authorization it started: consent given afterwards stores nothing", async () => {
    const before = (await credentials()).map((c) => c.id);
    const popupOpened = page.waitForEvent("popup");
    await page.getByRole("button", { name: "Connect Test IdP", exact: true }).click();
    const popup = await popupOpened;
    // The person is at the provider's pages when the app revokes the link.
    await popup.waitForURL((url) => url.origin === new URL(oidc.issuer).origin);
    expect((await stack.api("DELETE", `/connect/links/${linkId}`, { subject })).status).toBe(204);
    // Then signs in (unless the provider remembers them from before) and consents.
    const message = await waitFor(
      async () => {
        const text = await popup
          .locator("#message")
          .textContent({ timeout: 100 })
          .catch(() => undefined);
        if (text) return text;
        if (await popup.locator('input[name="login"]').isVisible()) {
          await popup.locator('input[name="login"]').pressSequentially(subject);
          await popup.locator('input[name="password"]').pressSequentially("any password");
          await popup.click('button:has-text("Sign-in")');
        } else if (await popup.locator('button:has-text("Continue")').isVisible()) {
          await popup.click('button:has-text("Continue")');
        }
        return undefined;
      },
      { timeoutMs: 20_000, what: "the callback page" },
    );
    expect(message).toContain("unknown, has expired or was already used");
    expect((await credentials()).map((c) => c.id)).toEqual(before);
    await popup.close();
    await waitFor(async () => (await statusText()).includes("window was closed"), { what: "the page to notice" });
  });

  it("keeps the keys out of Redis and the logs, and the connect token out of the OAuth2 flow", async () => {
    const stored = await dumpRedis(stack.redis.url);
    const logged = stack.log.text();
    for (const key of [goodKey, wrongKey]) {
      expect(stored).not.toContain(key);
      expect(logged).not.toContain(key);
    }
    expect(stored).not.toMatch(/cl_[0-9a-f]{32}\.[0-9a-z]+\.[A-Za-z0-9_-]{24}/);
  });
});
