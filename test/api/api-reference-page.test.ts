import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../src/browser/local-playwright/chromium-launch.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";

/**
 * /docs in a real Chromium: the reference renders every operation from /openapi.json, using only
 * files from the API's own origin under its Content-Security-Policy, and "Try it out" calls the API.
 * API_REFERENCE_SCREENSHOT=<path> saves what it shows (docs/api-reference.png).
 */
describe("the API reference page", () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack({ withWorker: false });
    browser = (await launchChromium(chromium, { window: "headless" })).browser;
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("serves the OpenAPI 3.1 document without a key", async () => {
    const res = await fetch(`${stack.baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/browser-login/start", "/credentials/{id}/storage-state", "/events"]),
    );
  });

  it("renders the operations from our own origin, and tries one with the entered key", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const elsewhere: string[] = [];
    const problems: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(stack.baseUrl) && !request.url().startsWith("data:")) elsewhere.push(request.url());
    });
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));

    await page.goto(`${stack.baseUrl}/docs`);
    const start = page.locator(".opblock", { hasText: "/browser-login/start" });
    await start.waitFor({ timeout: 20_000 });
    expect(await start.locator(".opblock-summary-method").innerText()).toBe("POST");
    expect(await page.locator(".opblock").count()).toBeGreaterThanOrEqual(20);
    const screenshot = process.env.API_REFERENCE_SCREENSHOT;
    if (screenshot) await page.screenshot({ path: screenshot });

    // Authorize: the API key and the subject, as the security schemes ask for them.
    await page
      .getByRole("button", { name: /authorize/i })
      .first()
      .click();
    const dialog = page.locator(".modal-ux");
    const scheme = (name: string) =>
      dialog.locator(".auth-container").filter({ has: page.locator("h4 code", { hasText: new RegExp(`^${name}$`) }) });
    for (const [name, value] of [
      ["apiKey", stack.apiKey],
      ["subjectUser", "docs-user"],
    ] as const) {
      await scheme(name).locator("input").fill(value);
      await scheme(name).locator("button.authorize").click();
    }
    await dialog.locator("button.close-modal").click();

    const providers = page.locator(".opblock", { hasText: "/providers" }).first();
    await providers.locator(".opblock-summary").click();
    await providers.getByRole("button", { name: /try it out/i }).click();
    await providers.getByRole("button", { name: /execute/i }).click();
    const answer = providers.locator(".live-responses-table tr.response");
    await expect.poll(() => answer.locator(".response-col_status").innerText(), { timeout: 10_000 }).toBe("200");
    expect(await answer.locator(".response-col_description").innerText()).toContain('"demo"');

    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
