import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "rolldown";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../src/browser/local-playwright/chromium-launch.ts";
import type { ProviderInput } from "../../src/providers/provider-schema.ts";
import { type ApiKeyService, startApiKeyService } from "../helpers/api-key-service.ts";
import { type ComponentHost, type HostPageView, startComponentHost } from "../helpers/component-host.ts";
import { freePort } from "../helpers/free-port.ts";
import { type OidcServer, startOidcServer } from "../helpers/oidc-server.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { logInThroughFramedView } from "../live-view/viewer-driver.ts";

/**
 * The connect components in an app's page on another site (http://localhost:<port>) than the service
 * (http://127.0.0.1:<port>), loaded by one script tag under the app's strict CSP. The app's backend
 * mints a component link per page view; the person uses only that page (mouse, keyboard), a real
 * Chromium, a real OAuth server, the fixture login site through the live view, an API-key service.
 * CONNECT_COMPONENTS_SCREENSHOT=<path> saves the page (docs/connect-components.png).
 */
const CLIENT = { clientId: "blc-components", clientSecret: "components-client-secret-9f3a1c" };
const ORG_CLIENT = { clientId: "acme-own-app", clientSecret: `org-secret-${randomBytes(12).toString("hex")}` };

describe("connect components: in an app's page on another origin, a person in a real Chromium", () => {
  let stack: TestStack;
  let host: ComponentHost;
  let service: ApiKeyService;
  let oidc: OidcServer;
  let browser: Browser;
  const goodKey = `sk_live_${randomBytes(16).toString("hex")}`;
  const wrongKey = `sk_live_${randomBytes(16).toString("hex")}`;
  /** Every body the service answered the person's browser, to look for what must never reach it. */
  const answered: string[] = [];
  const violations: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    const hostPort = await freePort();
    oidc = await startOidcServer({
      clients: [CLIENT, ORG_CLIENT].map((c) => ({ ...c, redirectUris: [`http://127.0.0.1:${port}/oauth2/callback`] })),
    });
    service = await startApiKeyService(goodKey);
    const providers: ProviderInput[] = [
      {
        kind: "api_key",
        id: "fixture-key",
        name: "Fixture API",
        fields: [{ name: "apiKey", label: "API key", secret: true, helpText: "Under Settings, then Developers." }],
        validation: {
          url: `${service.url}/v1/me`,
          headers: { Authorization: "Bearer {{apiKey}}" },
          expectedStatus: 200,
        },
      },
      { kind: "oauth2", id: "idp", name: "Test IdP", issuer: oidc.issuer, scopes: ["openid", "api"], ...CLIENT },
    ];
    stack = await startTestStack({
      scriptedUser: false,
      extraProviders: providers,
      env: {
        PORT: String(port),
        CONNECT_COMPONENT_ORIGINS: `http://localhost:${hostPort}`,
        // A mobile app's own scheme, to hand the person back to it.
        CONNECT_RETURN_SCHEMES: "https,http,myapp",
      },
    });
    host = await startComponentHost(stack.baseUrl, hostPort);
    browser = (await launchChromium(chromium, { window: "headless" })).browser;
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await stack?.close();
    await service?.close();
    await oidc?.close();
  });

  /** What the app's backend does for one page view: mints a component link for its signed-in user. */
  const mint = async (subject: string, body: Record<string, unknown> = {}, org?: string) => {
    const res = await stack.api("POST", "/connect/links", {
      subject,
      org,
      body: { componentOrigin: host.origin, ...body },
      // The app mints a link for its organisation's OAuth clients for an admin only.
      ...(body.manageOrgClients ? { headers: { "x-subject-org-role": "admin" } } : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; url: string };
  };
  const credentials = async (subject: string, org?: string) =>
    (await stack.api("GET", "/credentials", { subject, org })).body.credentials as Array<{
      id: string;
      kind: string;
      providerId: string;
    }>;

  /** The person's browser on the app's page; every answer of the service is kept, CSP violations counted. */
  async function openApp(
    view: Omit<HostPageView, "link"> & {
      subject: string;
      org?: string;
      mint?: Record<string, unknown>;
      /** The same link for every view of the page (default: a new one per view, as apps should). */
      once?: boolean;
    },
    viewport = { width: 900, height: 1000 },
  ): Promise<{ page: Page; context: BrowserContext; linkId: string }> {
    const context = await browser.newContext({ viewport });
    // The authorization server's dev pages import a web font; this machine has no way out.
    await context.route(/^https:\/\//, (route) => route.abort());
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        (window as unknown as { violations: string[] }).violations ??= [];
        (window as unknown as { violations: string[] }).violations.push(
          `${event.violatedDirective} ${event.blockedURI}`,
        );
      });
    });
    context.on("response", async (response) => {
      if (!response.url().startsWith(stack.baseUrl) || response.request().resourceType() !== "fetch") return;
      answered.push(await response.text().catch(() => ""));
    });
    let linkId = "";
    const perView = async () => {
      const minted = await mint(view.subject, view.mint, view.org);
      linkId = minted.id;
      return { ...view, link: minted.url };
    };
    const url = host.page(view.once ? await perView() : perView);
    const page = await context.newPage();
    await page.goto(url);
    return { page, context, linkId };
  }
  const noViolations = async (page: Page) => {
    const seen = (await page.evaluate(
      () => (window as unknown as { violations?: string[] }).violations ?? [],
    )) as string[];
    violations.push(...seen);
    expect(seen).toEqual([]);
  };
  const statusOf = (page: Page, selector: string) =>
    page
      .locator(`${selector} .status`)
      .first()
      .textContent()
      .then((t) => t ?? "");
  /** Events the components dispatch, as the app would listen to them. */
  const recordEvents = (page: Page, names: string[], prevent: string[] = []) =>
    page.evaluate(
      ({ names, prevent }) => {
        const w = window as unknown as { events: unknown[] };
        w.events = [];
        for (const name of names)
          document.addEventListener(name, (event) => {
            const target = event.target as HTMLElement;
            if (!target.localName?.startsWith("blc-")) return;
            w.events.push({ type: name, element: target.localName, detail: (event as CustomEvent).detail });
            if (prevent.includes(name)) event.preventDefault();
          });
      },
      { names, prevent },
    );
  const events = (page: Page) => page.evaluate(() => (window as unknown as { events: unknown[] }).events);

  it("connects an API key through the button's form, lists it, and disconnects it from the list", async () => {
    const { page, context } = await openApp({ subject: "person-k", buttons: ["fixture-key"], connections: true });
    await recordEvents(page, ["connected", "error", "disconnected"]);
    const connect = page.getByRole("button", { name: "Connect Fixture API" });
    await waitFor(() => connect.isEnabled(), { what: "the Connect button" });
    await waitFor(() => page.getByText("No connections yet.").isVisible(), { what: "the empty list" });

    await connect.click();
    const input = page.getByLabel("API key", { exact: true });
    await waitFor(() => input.isVisible(), { what: "the API key field" });
    expect(await input.getAttribute("type")).toBe("password");
    expect(await input.evaluate((el) => el.getRootNode() instanceof ShadowRoot)).toBe(true);
    // Focus moved to the form's heading: keyboard and screen-reader users are where the form is.
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.textContent)).toBe(
      "Enter your Fixture API key",
    );
    await input.fill(wrongKey);
    await page.keyboard.press("Enter");
    const alert = page.getByRole("alert");
    await waitFor(async () => ((await alert.textContent()) ?? "").includes("refused"), { what: "the refusal" });
    expect(await alert.textContent()).not.toContain(wrongKey);
    expect(await input.getAttribute("aria-invalid")).toBe("true");

    await input.fill(goodKey);
    await page.getByRole("button", { name: "Save" }).click();
    await waitFor(async () => (await statusOf(page, "blc-connect-button")) === "Connected: Fixture API.", {
      what: "Connected",
    });
    const [stored] = await credentials("person-k");
    expect(stored).toMatchObject({ kind: "api_key", providerId: "fixture-key" });
    expect((await stack.api("GET", `/credentials/${stored!.id}/secret`, { subject: "person-k" })).body.fields).toEqual({
      apiKey: goodKey,
    });
    // The form is gone, and with it the key from the page's DOM.
    expect(
      await page.evaluate(() => document.querySelector("blc-connect-button")!.shadowRoot!.innerHTML),
    ).not.toContain(goodKey);
    // The list heard of it by itself.
    const row = page.locator("blc-connections li");
    await waitFor(async () => (await row.count()) === 1, { what: "the connection in the list" });
    expect(await row.textContent()).toMatch(/^Fixture APIConnected .* · Working( · Last verified .*)?Disconnect$/);
    expect(await events(page)).toEqual([
      {
        type: "connected",
        element: "blc-connect-button",
        detail: { providerId: "fixture-key", providerName: "Fixture API", kind: "api_key", credentialId: stored!.id },
      },
    ]);

    await page.getByRole("button", { name: /^Disconnect Fixture API/ }).click();
    await waitFor(async () => (await statusOf(page, "blc-connections")) === "Disconnected: Fixture API.", {
      what: "Disconnected",
    });
    expect(await row.count()).toBe(0);
    expect(await credentials("person-k")).toEqual([]);
    expect((await events(page)).at(-1)).toEqual({
      type: "disconnected",
      element: "blc-connections",
      detail: { credentialId: stored!.id, providerId: "fixture-key" },
    });
    await noViolations(page);
    await context.close();
  }, 60_000);

  it("logs in to a site through the live view the button shows in the app's page", async () => {
    const { page, context } = await openApp({ subject: "person-b", buttons: ["demo"], connections: true });
    await recordEvents(page, ["connected", "error"]);
    const connect = page.getByRole("button", { name: "Connect Demo" });
    await waitFor(() => connect.isEnabled(), { what: "the Connect button" });
    await connect.click();
    const frame = page.frameLocator("blc-connect-button iframe");
    await waitFor(
      async () =>
        (await frame.locator("#status").isHidden()) &&
        ((await frame.locator("#address").textContent()) ?? "").includes("/login"),
      { timeoutMs: 30_000, what: "the login page in the live view, framed in the app's page" },
    );
    expect(await page.getByRole("heading", { name: "Log in to Demo" }).isVisible()).toBe(true);
    // Where the form lies: the fixture page rendered at the frame's size in a browser of the person's own.
    await logInThroughFramedView(browser, page, frame.locator("#screen"), stack.site.loginUrl);
    await waitFor(async () => (await statusOf(page, "blc-connect-button")) === "Connected: Demo.", {
      timeoutMs: 45_000,
      what: "Connected",
    });
    expect(await page.locator("blc-connect-button iframe").isVisible()).toBe(false);
    const [stored] = await credentials("person-b");
    expect(stored).toMatchObject({ kind: "browser_login", providerId: "demo" });
    expect(await events(page)).toEqual([
      expect.objectContaining({ type: "connected", detail: expect.objectContaining({ credentialId: stored!.id }) }),
    ]);
    await waitFor(async () => (await page.locator("blc-connections li").count()) === 1, { what: "the list" });
    await noViolations(page);
    await context.close();
  }, 120_000);

  it("connects an OAuth2 provider through the popup, whose callback tells the app's page; disconnecting revokes it", async () => {
    const { page, context } = await openApp({ subject: "person-o", buttons: ["idp"], connections: true });
    await recordEvents(page, ["connected", "error", "disconnected"]);
    const connect = page.getByRole("button", { name: "Connect Test IdP" });
    await waitFor(() => connect.isEnabled(), { what: "the Connect button" });
    const popupOpened = page.waitForEvent("popup");
    await connect.click();
    const popup = await popupOpened;
    await popup.locator('input[name="login"]').pressSequentially("person-o");
    await popup.locator('input[name="password"]').pressSequentially("any password");
    await popup.click('button:has-text("Sign-in")');
    await popup.click('button:has-text("Continue")');
    await waitFor(async () => (await statusOf(page, "blc-connect-button")) === "Connected: Test IdP.", {
      timeoutMs: 20_000,
      what: "the app's page told by the callback",
    });
    await waitFor(() => popup.isClosed(), { what: "the popup to close itself" });
    const [stored] = await credentials("person-o");
    expect(stored).toMatchObject({ kind: "oauth2", providerId: "idp" });
    expect((await events(page))[0]).toMatchObject({ type: "connected", detail: { credentialId: stored!.id } });

    await waitFor(async () => (await page.locator("blc-connections li").count()) === 1, { what: "the list" });
    const before = oidc.revocationRequests();
    await page.getByRole("button", { name: /^Disconnect Test IdP/ }).click();
    await waitFor(async () => (await statusOf(page, "blc-connections")).startsWith("Disconnected: Test IdP"), {
      what: "Disconnected",
    });
    expect(await statusOf(page, "blc-connections")).toBe(
      "Disconnected: Test IdP. Test IdP has revoked this app's access.",
    );
    expect(oidc.revocationRequests() - before).toBe(1);
    expect(await credentials("person-o")).toEqual([]);
    expect((await events(page)).at(-1)).toMatchObject({
      type: "disconnected",
      detail: { providerId: "idp", revocation: { status: "revoked" } },
    });
    await noViolations(page);
    await context.close();
  }, 60_000);

  it("the organisation's OAuth client form: the secret goes in and never comes back; a member connects with the org's client", async () => {
    const org = "acme";
    const { page, context } = await openApp({
      subject: "admin-1",
      org,
      clientForms: ["idp"],
      mint: { providers: ["idp"], manageOrgClients: true },
    });
    await recordEvents(page, ["saved", "removed", "error"]);
    const clientId = page.getByLabel("Client ID");
    const secret = page.getByLabel("Client secret");
    await waitFor(() => clientId.isEnabled(), { what: "the form" });
    expect(await page.getByRole("heading", { name: "Test IdP OAuth client" }).isVisible()).toBe(true);
    expect(await page.locator("blc-oauth-client-form .help").first().textContent()).toContain(
      `Register ${stack.baseUrl}/oauth2/callback as its redirect URI`,
    );
    expect(await secret.getAttribute("type")).toBe("password");
    expect(await page.getByRole("button", { name: "Remove this client" }).isVisible()).toBe(false);

    await clientId.fill(ORG_CLIENT.clientId);
    await secret.fill(ORG_CLIENT.clientSecret);
    await page.getByRole("button", { name: "Save" }).click();
    await waitFor(async () => (await statusOf(page, "blc-oauth-client-form")) === "Saved: the Test IdP client.", {
      what: "Saved",
    });
    // Write-only: the field is emptied, the form says a secret is set, and nothing the service answered holds it.
    expect(await secret.inputValue()).toBe("");
    expect(await page.locator("blc-oauth-client-form .help").nth(1).textContent()).toContain("A secret is set");
    const view = await stack.api("GET", "/oauth2/clients/idp", { subject: "admin-1", org });
    expect(view.body).toMatchObject({ clientId: ORG_CLIENT.clientId, hasClientSecret: true });
    expect(JSON.stringify(view.body)).not.toContain(ORG_CLIENT.clientSecret);
    // Saved again with the secret left empty: the secret set stays (the member's connection below uses it).
    await page.reload();
    await recordEvents(page, ["saved", "removed", "error"]);
    await waitFor(async () => (await clientId.inputValue()) === ORG_CLIENT.clientId, { what: "the form filled" });
    expect(await secret.inputValue()).toBe("");
    await page.getByRole("button", { name: "Save" }).click();
    await waitFor(async () => (await statusOf(page, "blc-oauth-client-form")).startsWith("Saved"), {
      what: "Saved again",
    });
    expect((await stack.api("GET", "/oauth2/clients/idp", { subject: "admin-1", org })).body.hasClientSecret).toBe(
      true,
    );

    // A member of the organisation connects with the organisation's client (whose secret the token exchange needs).
    const member = await openApp({ subject: "member-1", org, buttons: ["idp"] });
    const connect = member.page.getByRole("button", { name: "Connect Test IdP" });
    await waitFor(() => connect.isEnabled(), { what: "the member's Connect button" });
    const popupOpened = member.page.waitForEvent("popup");
    const authorization = member.context.waitForEvent("request", (r) => r.url().startsWith(`${oidc.issuer}/auth?`));
    await connect.click();
    const popup = await popupOpened;
    expect(new URL((await authorization).url()).searchParams.get("client_id")).toBe(ORG_CLIENT.clientId);
    await popup.locator('input[name="login"]').pressSequentially("member-1");
    await popup.locator('input[name="password"]').pressSequentially("any password");
    await popup.click('button:has-text("Sign-in")');
    await popup.click('button:has-text("Continue")');
    await waitFor(async () => (await statusOf(member.page, "blc-connect-button")) === "Connected: Test IdP.", {
      timeoutMs: 20_000,
      what: "the member connected with the org's client",
    });
    await member.context.close();

    // The secret removed (a public client), then the client itself.
    await page.getByLabel("Remove the secret (a public client)").check();
    expect(await secret.isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Save" }).click();
    await waitFor(
      async () =>
        (await stack.api("GET", "/oauth2/clients/idp", { subject: "admin-1", org })).body.hasClientSecret === false,
      {
        what: "the secret removed",
      },
    );
    await page.getByRole("button", { name: "Remove this client" }).click();
    await waitFor(
      async () => (await statusOf(page, "blc-oauth-client-form")).startsWith("Removed: the Test IdP client."),
      {
        what: "Removed",
      },
    );
    expect((await stack.api("GET", "/oauth2/clients/idp", { subject: "admin-1", org })).status).toBe(404);
    expect(await clientId.inputValue()).toBe("");
    expect((await events(page)).map((e) => (e as { type: string }).type)).toEqual(["saved", "saved", "removed"]);
    for (const body of answered) expect(body).not.toContain(ORG_CLIENT.clientSecret);
    await noViolations(page);
    await context.close();

    // A link minted without manageOrgClients shows the form disabled, and its endpoint answers 403.
    const plain = await openApp({ subject: "member-1", org, clientForms: ["idp"], mint: { providers: ["idp"] } });
    await waitFor(async () => (await statusOf(plain.page, "blc-oauth-client-form")).includes("may not change"), {
      what: "the refusal",
    });
    expect(await plain.page.getByLabel("Client ID").isDisabled()).toBe(true);
    await plain.context.close();
  }, 120_000);

  it("hands the person back to the app's successUrl or errorUrl unless the app handles the event itself", async () => {
    const back = (path: string) => `${host.origin}${path}`;
    const mintUrls = {
      providers: ["fixture-key"],
      successUrl: back("/done?from=components"),
      errorUrl: back("/failed"),
    };
    const { page, context } = await openApp({ subject: "person-r", buttons: ["fixture-key"], mint: mintUrls });
    const connect = page.getByRole("button", { name: "Connect Fixture API" });
    await waitFor(() => connect.isEnabled(), { what: "the Connect button" });
    await connect.click();
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.waitForURL((url) => url.pathname === "/failed");
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      status: "cancelled",
      providerId: "fixture-key",
    });

    await page.goto(
      host.page(async () => ({ link: (await mint("person-r", mintUrls)).url, buttons: ["fixture-key"] })),
    );
    await waitFor(() => connect.isEnabled(), { what: "the Connect button again" });
    await connect.click();
    await page.getByLabel("API key", { exact: true }).fill(goodKey);
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === "/done");
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      from: "components",
      status: "connected",
      providerId: "fixture-key",
    });

    // An app that handles `connected` itself (preventDefault) stays where it is.
    const stay = host.page(async () => ({ link: (await mint("person-r", mintUrls)).url, buttons: ["fixture-key"] }));
    await page.goto(stay);
    await recordEvents(page, ["connected"], ["connected"]);
    await waitFor(() => connect.isEnabled(), { what: "the Connect button a third time" });
    await connect.click();
    await page.getByLabel("API key", { exact: true }).fill(goodKey);
    await page.keyboard.press("Enter");
    await waitFor(async () => (await statusOf(page, "blc-connect-button")) === "Connected: Fixture API.", {
      what: "Connected in place",
    });
    expect(page.url()).toBe(stay);

    // A mobile app's web view: its own scheme, which the web view's navigation delegate catches. Chromium
    // has no handler for it; the navigation it was asked for is seen through DevTools.
    const tried: string[] = [];
    const devtools = await context.newCDPSession(page);
    await devtools.send("Page.enable");
    devtools.on("Page.frameRequestedNavigation", (event) => tried.push(event.url));
    await page.goto(
      host.page(async () => ({
        link: (await mint("person-r", { providers: ["fixture-key"], errorUrl: "myapp://connect?step=2" })).url,
        buttons: ["fixture-key"],
      })),
    );
    await waitFor(() => connect.isEnabled(), { what: "the Connect button in the web view" });
    await connect.click();
    await page.getByRole("button", { name: "Cancel" }).click();
    await waitFor(
      () => tried.some((text) => text.includes("myapp://connect?step=2&status=cancelled&providerId=fixture-key")),
      {
        what: () => `the hand-back to myapp:// (console: ${JSON.stringify(tried)})`,
      },
    );
    await context.close();
  }, 60_000);

  it("works on a phone with the keyboard; the theme's colours apply and keep their contrast", async () => {
    const { page, context } = await openApp(
      { subject: "person-p", buttons: ["fixture-key", "demo"], connections: true },
      { width: 390, height: 844 },
    );
    const connect = page.getByRole("button", { name: "Connect Fixture API" });
    await waitFor(() => connect.isEnabled(), { what: "the Connect button" });
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(await fits()).toBe(true);
    const box = (await connect.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    // Tab reaches the first Connect button, Enter presses it, the form takes focus; Escape is not needed: Cancel is a button.
    await page.keyboard.press("Tab");
    expect(await connect.evaluate((b) => b === (b.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    await waitFor(() => page.getByLabel("API key", { exact: true }).isVisible(), { what: "the form" });
    expect(await fits()).toBe(true);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute("name"))).toBe(
      "apiKey",
    );
    // The app's stylesheet set --blc-color-accent: the button is the app's green, its text white, contrast ≥ 4.5.
    const colours = await connect.evaluate((b) => {
      const style = getComputedStyle(b);
      return { background: style.backgroundColor, color: style.color };
    });
    expect(colours.background).toBe("rgb(11, 110, 79)");
    expect(contrast(colours.color, colours.background)).toBeGreaterThanOrEqual(4.5);
    // And the defaults, in an element the app did not theme.
    const defaults = await page.evaluate(() => {
      const probe = document.createElement("blc-connections");
      // Back to the components' own colours: a custom property set to initial falls back to var()'s default.
      for (const name of ["--blc-color-accent", "--blc-color-focus"]) probe.style.setProperty(name, "initial");
      document.body.append(probe);
      const root = probe.shadowRoot!;
      const button = document.createElement("button");
      root.append(button);
      const secondary = document.createElement("button");
      secondary.className = "secondary";
      root.append(secondary);
      const s = getComputedStyle(button);
      const t = getComputedStyle(secondary);
      const result = { primary: [s.color, s.backgroundColor], secondary: [t.color, t.backgroundColor] };
      probe.remove();
      return result;
    });
    expect(contrast(defaults.primary[0]!, defaults.primary[1]!)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(defaults.secondary[0]!, defaults.secondary[1]!)).toBeGreaterThanOrEqual(4.5);
    if (process.env.CONNECT_COMPONENTS_SCREENSHOT) {
      await page.setViewportSize({ width: 900, height: 720 });
      await page.getByRole("button", { name: "Cancel" }).click();
      const screenshot = await openApp(
        { subject: "person-k2", buttons: ["fixture-key", "idp", "demo"], connections: true },
        { width: 760, height: 640 },
      );
      await waitFor(() => screenshot.page.getByRole("button", { name: "Connect Demo" }).isEnabled(), { what: "ready" });
      await stack.api("POST", "/credentials", {
        subject: "person-k2",
        body: { providerId: "fixture-key", fields: { apiKey: goodKey } },
      });
      await screenshot.page.getByRole("button", { name: "Connect Fixture API" }).click();
      await screenshot.page.getByLabel("API key", { exact: true }).fill("sk_live_…");
      await screenshot.page.evaluate(() =>
        (document.querySelector("blc-connections") as unknown as { refresh(): Promise<void> }).refresh(),
      );
      await waitFor(async () => (await screenshot.page.locator("blc-connections li").count()) === 1, {
        what: "listed",
      });
      writeFileSync(process.env.CONNECT_COMPONENTS_SCREENSHOT, await screenshot.page.screenshot({ fullPage: true }));
      await screenshot.context.close();
    }
    await context.close();
  }, 60_000);

  it("the React wrapper: renders the elements, passes the link, calls back with the events' details", async () => {
    // The app's React page, bundled as an app's build would (React from npm, the wrapper from its source).
    const bundle = await build({
      input: new URL("../fixtures/react-host-app.ts", import.meta.url).pathname,
      write: false,
      platform: "browser",
      transform: { define: { "process.env.NODE_ENV": JSON.stringify("production") } },
      output: { format: "iife" },
    });
    host.scripts["/react-app.js"] = bundle.output[0].code;
    const { page, context } = await openApp({ subject: "person-react", react: { provider: "fixture-key" } });
    const connect = page.getByRole("button", { name: "Connect Fixture API" });
    await waitFor(() => connect.isEnabled(), { timeoutMs: 20_000, what: "the button React rendered" });
    expect(await page.locator("blc-connect-button.connect").count()).toBe(1);
    expect(await page.getByRole("heading", { name: "Connected to Acme Notes" }).isVisible()).toBe(true);
    await connect.click();
    await page.getByLabel("API key", { exact: true }).fill(goodKey);
    await page.keyboard.press("Enter");
    await waitFor(() => page.locator("#app-says").isVisible(), { what: "the app's callback" });
    expect(await page.locator("#app-says").textContent()).toBe("The app heard: Fixture API connected.");
    const [stored] = await credentials("person-react");
    const heard = () => page.evaluate(() => (window as unknown as { reactEvents: unknown[] }).reactEvents);
    expect(await heard()).toEqual([
      {
        type: "connected",
        detail: { providerId: "fixture-key", providerName: "Fixture API", kind: "api_key", credentialId: stored!.id },
        cancelable: true,
      },
    ]);
    await waitFor(async () => (await page.locator("blc-connections li").count()) === 1, { what: "the list" });
    await page.getByRole("button", { name: /^Disconnect Fixture API/ }).click();
    await waitFor(async () => (await heard()).length === 2, { what: "onDisconnected" });
    expect((await heard())[1]).toEqual({
      type: "disconnected",
      detail: { credentialId: stored!.id, providerId: "fixture-key" },
    });
    await noViolations(page);
    await context.close();
  }, 60_000);

  it("keeps the link to the app's page: another origin, the hosted page and a second page view get nothing", async () => {
    const { page, context } = await openApp({
      subject: "person-s",
      buttons: ["fixture-key"],
      connections: true,
      once: true,
    });
    await waitFor(() => page.getByRole("button", { name: "Connect Fixture API" }).isEnabled(), { what: "ready" });
    const link = (await page.locator("blc-connections").getAttribute("link"))!;
    // Nothing stored in the page: the binding is in the script's memory only.
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])).toEqual([
      0,
      0,
      "",
    ]);
    expect(await context.cookies(stack.baseUrl)).toEqual([]);
    // Opened as a page of its own: refused.
    const hosted = await context.newPage();
    expect((await hosted.goto(link))?.status()).toBe(403);
    expect(await hosted.getByRole("heading", { level: 1 }).textContent()).toBe("This link is for the app's own page");
    // Another site's page that learned the link cannot call it: the browser's preflight is refused.
    const other = await context.newPage();
    await other.goto(`${stack.site.appOrigin}/`);
    const fromElsewhere = await other.evaluate(async (url) => {
      try {
        const res = await fetch(`${url}/connections`, { headers: { "x-connect-binding": "A".repeat(43) } });
        return `answered ${res.status}`;
      } catch (error) {
        return `blocked: ${(error as Error).name}`;
      }
    }, link);
    expect(fromElsewhere).toBe("blocked: TypeError");
    // A second page view with the same link (a reload the app served without minting anew) is another browser.
    await page.reload();
    await waitFor(async () => (await statusOf(page, "blc-connect-button")).includes("already opened"), {
      what: "the refusal on the second view",
    });
    expect(await page.getByRole("button", { name: "Connect" }).isDisabled()).toBe(true);
    await context.close();

    // The service key and the app's verifier never reached the person's browser.
    for (const body of answered) expect(body).not.toContain(stack.apiKey);
    const stored = await dumpRedis(stack.redis.url);
    for (const key of [goodKey, wrongKey, ORG_CLIENT.clientSecret]) {
      expect(stored).not.toContain(key);
      expect(stack.log.text()).not.toContain(key);
    }
    expect(violations).toEqual([]);
  }, 60_000);
});

/** WCAG's contrast ratio of two computed `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (rgb: string) => {
    const [r, g, bl] = rgb
      .match(/[\d.]+/g)!
      .slice(0, 3)
      .map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}
