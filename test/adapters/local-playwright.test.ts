import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserAdapter, BrowserSessionEvent } from "../../src/browser/browser-adapter.ts";
import { createLocalPlaywrightAdapter } from "../../src/browser/local-playwright/local-playwright-adapter.ts";
import { type FixtureSite, startFixtureSite } from "../fixtures/fixture-site.ts";
import { freePort } from "../helpers/free-port.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { describeBrowserAdapter } from "./adapter-conformance.ts";

// Headed, as in development, when a display is there (`npm test` runs under xvfb-run); the flow tests run headless.
const headless = !process.env.DISPLAY;

describeBrowserAdapter(`local Playwright (${headless ? "headless" : "headed"})`, async () => {
  const port = await freePort();
  return {
    adapter: createLocalPlaywrightAdapter({ headless, remoteDebuggingPort: port }),
    cdpEndpoint: `http://127.0.0.1:${port}`,
    teardown: async () => {},
  };
});

describe("local Playwright: its own time limit and its live-view capability", () => {
  let site: FixtureSite;
  let adapter: BrowserAdapter;

  beforeAll(async () => {
    site = await startFixtureSite();
    adapter = createLocalPlaywrightAdapter({ headless: true });
  });

  afterAll(async () => {
    await adapter?.close();
    await site?.close();
  });

  it("closes a session its caller never closes once timeoutMs (and a short grace) has passed", async () => {
    const session = await adapter.openSession({ sessionId: randomUUID(), loginUrl: site.loginUrl, timeoutMs: 200 });
    const events: BrowserSessionEvent[] = [];
    session.onEvent((e) => events.push(e));
    expect(adapter.openSessions()).toBe(1);
    await waitFor(() => adapter.openSessions() === 0, {
      what: "the session to be closed by the adapter",
      timeoutMs: 15_000,
    });
    expect(events).toContainEqual(expect.objectContaining({ type: "disconnected", code: "session_timeout" }));
    expect(session.pages()).toEqual([]);
  });

  it("shows each session the locale and time zone it asked for, whichever spares are ready", async () => {
    const paris = { locale: "fr-FR", timeZone: "Europe/Paris" };
    const tokyo = { locale: "ja-JP", timeZone: "Asia/Tokyo" };
    // Defaults, a place (a context made for it), the same place (its spare), another, the first again, defaults.
    for (const asked of [undefined, paris, paris, tokyo, paris, undefined]) {
      const session = await adapter.openSession({
        sessionId: randomUUID(),
        loginUrl: site.loginUrl,
        timeoutMs: 60_000,
        ...(asked ? { device: asked } : {}),
      });
      try {
        const seen = await session.device!();
        const expected = asked ?? { locale: "en-US", timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone };
        expect({ locale: seen?.locale, timeZone: seen?.timeZone }).toEqual(expected);
      } finally {
        await session.close();
      }
    }
  });

  it("lists the session's tabs with their titles and opens a DevTools channel of its own to one", async () => {
    const session = await adapter.openSession({ sessionId: randomUUID(), loginUrl: site.loginUrl, timeoutMs: 60_000 });
    try {
      const source = session.liveViewSource!();
      const tabs = await source.tabs();
      expect(tabs).toEqual([{ pageId: "page-1", url: site.loginUrl, title: "Log in" }]);
      const channel = (await source.connect("page-1"))!;
      const answer = (await channel.send("Runtime.evaluate", {
        expression: "document.querySelector('#username') !== null",
        returnByValue: true,
      })) as { result: { value: boolean } };
      expect(answer.result.value).toBe(true);
      await channel.detach();
      expect(await source.connect("page-9")).toBeUndefined();
    } finally {
      await session.close();
    }
    expect(await session.liveViewSource!().tabs()).toEqual([]);
  });
});
