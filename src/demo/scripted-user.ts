import { type Browser, chromium, type Page } from "playwright-core";
import { DEMO_USER } from "./demo-site.ts";

/**
 * Acts as the person at the keyboard: attaches to a running Chromium over DevTools (the local
 * adapter's debug port, or a remote browser's CDP URL) and types into the login page the worker opened.
 * The demo, the tests and the benchmarks use it; the service never does.
 */
export interface ScriptedUser {
  /** Waits for a page whose URL satisfies `match`; throws when none shows up in time. */
  findPage(match: (url: string) => boolean, timeoutMs?: number): Promise<Page>;
  logIn(page: Page, credentials?: { username: string; password: string }): Promise<void>;
  disconnect(): Promise<void>;
}

export async function connectScriptedUser(cdpEndpoint: string): Promise<ScriptedUser> {
  const browser: Browser = await chromium.connectOverCDP(cdpEndpoint);
  return {
    async findPage(match, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const page = browser
          .contexts()
          .flatMap((c) => c.pages())
          .find((p) => match(p.url()));
        if (page) return page;
        if (Date.now() > deadline) throw new Error("No matching page appeared in the browser");
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async logIn(page, credentials = DEMO_USER) {
      await page.locator("#username").fill(credentials.username);
      await page.locator("#password").fill(credentials.password);
      await page.locator("#submit").click();
    },
    async disconnect() {
      // For a browser reached over CDP, close() only drops the connection; the browser lives on.
      await browser.close().catch(() => {});
    },
  };
}
