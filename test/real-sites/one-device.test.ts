import { restoreSession } from "@browser-login-capture/client/playwright";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../src/browser/local-playwright/chromium-launch.ts";
import type { Device } from "../../src/credentials/device.ts";
import { type BotSignalSite, firedSignals, type Signal, startBotSignalSite } from "../fixtures/bot-signal-site.ts";
import { waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { logInThroughViewer, startViewers, type Viewers, waitForPicture } from "../live-view/viewer-driver.ts";

/**
 * One device per connection: the device a site saw at login is kept with the credential, shown to the
 * site again by a check, and handed to the app, whose browser restoreSession makes look the same.
 * The person logs in through the live view at a size of their own, in their language and time zone.
 */
describe("real sites: one device per connection", () => {
  let bots: BotSignalSite;
  let stack: TestStack;
  let viewers: Viewers;
  let credentialId: string;
  let device: Device;
  const person = { locale: "fr-FR", timeZone: "Europe/Paris" };

  beforeAll(async () => {
    bots = await startBotSignalSite();
    stack = await startTestStack({
      scriptedUser: false,
      // The check opens the bot-signal page, which says what it saw of the browser.
      providerOverrides: () => ({
        demo: {
          verify: { url: bots.pageUrl("verify"), loggedIn: { url: { pathname: "/" } }, settleMs: 8_000 },
        },
      }),
    });
    viewers = await startViewers();
    const started = await stack.api("POST", "/browser-login/start?wait=10000", {
      body: { providerId: "demo", ...person },
    });
    const viewer = await viewers.open(started.body.liveViewUrl, { width: 1100, height: 700 });
    await waitForPicture(viewer);
    await logInThroughViewer(viewer, stack.site.loginUrl);
    const done = await waitForStatus(stack, started.body.sessionId, "completed", { timeoutMs: 30_000 });
    credentialId = done.credentialId!;
    await viewers.closeOpened();
  });

  afterAll(async () => {
    await viewers?.close();
    await stack?.close();
    await bots?.close();
  });

  it("records the device the site saw with the credential, and hands it out with the storage state", async () => {
    const metadata = await stack.api("GET", `/credentials/${credentialId}`);
    device = metadata.body.device;
    expect(device).toMatchObject({
      userAgent: expect.stringMatching(/^Mozilla\/5\.0 \(X11; Linux x86_64\) .* Chrome\/\d+\.0\.0\.0 Safari\/537\.36$/),
      platform: "Linux x86_64",
      locale: "fr-FR",
      timeZone: "Europe/Paris",
      // The viewer's window, less the viewer's own bar: the page was that size.
      viewport: { width: 1100, height: expect.any(Number) },
      devicePixelRatio: 1,
    });
    expect(device.userAgent).not.toMatch(/Headless/);
    expect(device.screen.width).toBeGreaterThanOrEqual(device.viewport.width);
    const state = await stack.api("GET", `/credentials/${credentialId}/storage-state`);
    expect(state.body.device).toEqual(device);
  });

  it("shows the site the same device when it checks the credential", async () => {
    const checking = stack.api("POST", `/credentials/${credentialId}/verify?wait=60000`);
    const signals = await bots.finish("verify", 45_000);
    expect((await checking).body).toMatchObject({ status: "active" });
    const seen = (name: string) => signals.find((s: Signal) => s.name === name)!.value as Record<string, unknown>;
    expect(seen("intl.timeZone").timeZone).toBe(device.timeZone);
    expect(seen("languages").language).toBe(device.locale);
    expect(seen("window.outerSize")).toMatchObject({
      innerWidth: device.viewport.width,
      innerHeight: device.viewport.height,
      dpr: device.devicePixelRatio,
    });
    expect(seen("headers.consistency")).toMatchObject({ "user-agent": device.userAgent, "accept-language": "fr-FR" });
    // Showing the recorded device adds no tell (bot-signals.test.ts says why these two stay).
    const hard = firedSignals(signals).filter((name) => !name.endsWith("(soft)"));
    expect(hard.sort()).toEqual(["headers.serviceWorkerScript", "webgl.renderer"]);
    // The check changes nothing of what was recorded.
    expect((await stack.api("GET", `/credentials/${credentialId}`)).body.device).toEqual(device);
  });

  it("refuses a locale or time zone it cannot show; the connect page leaves such values out", async () => {
    for (const body of [
      { providerId: "demo", locale: "en_US" },
      { providerId: "demo", locale: "x".repeat(10_000) },
      { providerId: "demo", timeZone: "+01:00" },
      { providerId: "demo", timeZone: 42 },
      { providerId: "demo", locale: ["fr-FR"] },
    ]) {
      const refused = await stack.api("POST", "/browser-login/start", { body });
      expect({ body, status: refused.status, code: refused.body.error?.code }).toEqual({
        body,
        status: 400,
        code: "invalid_request",
      });
    }
    const link = await stack.api("POST", "/connect/links", { body: { providers: ["demo"] } });
    const token = new URL(link.body.url).pathname.split("/").pop();
    // The person's browser opens the link first, which binds it to that browser (a cookie).
    const opened = await fetch(`${stack.baseUrl}/connect/${token}/open`, { method: "POST" });
    const cookie = opened.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const started = await fetch(`${stack.baseUrl}/connect/${token}/browser-login`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ providerId: "demo", locale: "not a locale!", timeZone: "Mars/Olympus_Mons" }),
    });
    expect(started.status).toBe(202);
    const { sessionId } = (await started.json()) as { sessionId: string };
    await stack.api("POST", `/browser-login/${sessionId}/cancel`);
  });

  it("makes the app's own browser look like the same device (restoreSession)", async () => {
    const { browser } = await launchChromium(chromium, { window: "headless" });
    try {
      const state = await stack.api("GET", `/credentials/${credentialId}/storage-state`);
      const { context } = await restoreSession(browser, state.body.storageState, { device: state.body.device });
      const page = await context.newPage();
      await page.goto(`${stack.site.appOrigin}/dashboard`);
      expect(await page.evaluate(() => location.pathname)).toBe("/dashboard");
      expect(
        await page.evaluate(() => ({
          userAgent: navigator.userAgent,
          locale: navigator.language,
          timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
          viewport: { width: innerWidth, height: innerHeight },
          screen: { width: screen.width, height: screen.height },
          devicePixelRatio,
        })),
      ).toEqual({
        userAgent: device.userAgent,
        locale: device.locale,
        timeZone: device.timeZone,
        viewport: device.viewport,
        screen: device.screen,
        devicePixelRatio: device.devicePixelRatio,
      });
    } finally {
      await browser.close();
    }
  });
});
