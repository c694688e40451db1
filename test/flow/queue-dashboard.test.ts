import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { openViewerBrowser } from "../live-view/viewer-driver.ts";

/** bull-board at /admin/queues: for operators holding an API key, in a real browser. */
describe("queue dashboard", () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack({ withWorker: false });
    browser = await openViewerBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${stack.baseUrl}${path}`, { headers });
  const basic = (password: string) => `Basic ${Buffer.from(`operator:${password}`).toString("base64")}`;

  it("refuses a caller without an API key, asking the browser for one, and takes it as bearer or Basic password", async () => {
    for (const authorization of [undefined, "Bearer not-a-key", basic("not-a-key")]) {
      for (const path of ["/admin/queues", "/admin/queues/api/queues"]) {
        const refused = await get(path, authorization ? { authorization } : {});
        expect(refused.status, `${path} ${authorization}`).toBe(401);
        expect(refused.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
        expect((await refused.json()).error.code).toBe("unauthorized");
      }
    }
    for (const authorization of [`Bearer ${stack.apiKey}`, basic(stack.apiKey)]) {
      const page = await get("/admin/queues", { authorization });
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      const queues = await get("/admin/queues/api/queues", { authorization });
      expect(queues.status).toBe(200);
      const names = (await queues.json()).queues.map((q: { name: string }) => q.name);
      expect(names.sort()).toEqual(["credential-checks", "login-sessions", "webhook-deliveries"]);
    }
    // bull-board's own assets are served from the package, behind the same key.
    const html = await (await get("/admin/queues", { authorization: `Bearer ${stack.apiKey}` })).text();
    const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await get(`/admin/queues/${script}`)).status).toBe(401);
    const asset = await get(`/admin/queues/${script}`, { authorization: `Bearer ${stack.apiKey}` });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
  });

  it("loads in Chromium with the API key as the password the browser asks for, showing both queues", async () => {
    const refused = await browser.newContext();
    try {
      // Asked for credentials it has not got, the browser shows no dashboard (Chromium gives up on the challenge).
      const page = await refused.newPage();
      const outcome = await page.goto(`${stack.baseUrl}/admin/queues`).then(
        (r) => String(r?.status()),
        (e: Error) => e.message,
      );
      expect(outcome).toMatch(/^401$|ERR_INVALID_AUTH_CREDENTIALS/);
    } finally {
      await refused.close();
    }
    const context = await browser.newContext({ httpCredentials: { username: "operator", password: stack.apiKey } });
    try {
      const page = await context.newPage();
      const failedAssets: string[] = [];
      page.on(
        "response",
        (r) => r.url().startsWith(stack.baseUrl) && r.status() >= 400 && failedAssets.push(`${r.status()} ${r.url()}`),
      );
      expect((await page.goto(`${stack.baseUrl}/admin/queues`))?.status()).toBe(200);
      await page.getByText("login-sessions").first().waitFor({ timeout: 15_000 });
      await page.getByText("webhook-deliveries").first().waitFor({ timeout: 15_000 });
      await page.getByText("credential-checks").first().waitFor({ timeout: 15_000 });
      expect(failedAssets).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("takes changes only from its own pages: a cross-site request is refused even with credentials", async () => {
    const retry = (headers: Record<string, string>) =>
      fetch(`${stack.baseUrl}/admin/queues/api/queues/webhook-deliveries/retry/failed`, {
        method: "PUT",
        headers: { authorization: basic(stack.apiKey), ...headers },
      });
    const crossSite: Record<string, string>[] = [
      { origin: "https://elsewhere.example" },
      { "sec-fetch-site": "cross-site" },
      { origin: "null" },
    ];
    for (const headers of crossSite) {
      const refused = await retry(headers);
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect((await refused.json()).error.code).toBe("cross_site_request");
    }
    expect((await retry({ origin: stack.baseUrl, "sec-fetch-site": "same-origin" })).status).toBeLessThan(300);
  });

  it("is not there when QUEUE_DASHBOARD=false", async () => {
    const off = await startTestStack({ withWorker: false, env: { QUEUE_DASHBOARD: "false" } });
    try {
      const res = await fetch(`${off.baseUrl}/admin/queues`, {
        headers: { authorization: `Bearer ${off.apiKey}`, "x-subject-user-id": "user-1" },
      });
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("not_found");
    } finally {
      await off.close();
    }
  });
});
