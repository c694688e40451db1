import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserAdapter } from "../../src/browser/browser-adapter.ts";
import { createLocalPlaywrightAdapter } from "../../src/browser/local-playwright/local-playwright-adapter.ts";
import { type FixtureSite, startFixtureSite } from "../fixtures/fixture-site.ts";
import { freePort } from "../helpers/free-port.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** The windows a headed Chromium shows: its page targets, as its DevTools endpoint lists them. */
async function windows(port: number): Promise<{ url: string; title: string }[]> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    type: string;
    url: string;
    title: string;
  }[];
  return targets.filter((t) => t.type === "page").map(({ url, title }) => ({ url, title }));
}

// Development mode: a display is there (run under xvfb-run), and the person logs in in the window.
describe.skipIf(!process.env.DISPLAY)("local Playwright, headed: the person's window", () => {
  let site: FixtureSite;
  let adapter: BrowserAdapter;
  let port: number;

  beforeAll(async () => {
    site = await startFixtureSite();
    port = await freePort();
    adapter = createLocalPlaywrightAdapter({ headless: false, remoteDebuggingPort: port, spareContexts: 1 });
    await adapter.warmUp();
  });

  afterAll(async () => {
    await adapter?.close();
    await site?.close();
  });

  it("shows only the login window while the person logs in, with the next spare context made", async () => {
    const loginUrl = `${site.loginUrl}?tag=${randomUUID()}`;
    const session = await adapter.openSession({ sessionId: randomUUID(), loginUrl, timeoutMs: 60_000 });
    try {
      // warmUp() waits for the spare made after the login page loaded: no blank window over the person's.
      await adapter.warmUp();
      expect(await windows(port)).toEqual([{ url: loginUrl, title: "Log in" }]);
    } finally {
      await session.close();
    }
    expect(await windows(port)).toEqual([]);
  });

  it("shows the farewell words in the window before it closes, and a second close ends it at once", async () => {
    const words = "You are logged in — you can close this tab.";
    const session = await adapter.openSession({ sessionId: randomUUID(), loginUrl: site.loginUrl, timeoutMs: 60_000 });
    const closing = session.close(words);
    let closed = false;
    void closing.then(() => (closed = true));
    await waitFor(async () => (await windows(port)).some((w) => w.title === words), {
      what: "the farewell in the window",
    });
    expect(closed).toBe(false);
    expect(await windows(port)).toHaveLength(1);
    const t0 = Date.now();
    await session.close();
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(closed).toBe(true);
    expect(await windows(port)).toEqual([]);
    expect(adapter.openSessions()).toBe(0);
  });
});
