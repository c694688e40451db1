import { type Browser, chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS } from "../../src/browser/local-playwright/chromium-path.ts";
import { cancel, pollUntil, startSession } from "../lib/sessions.ts";
import type { BenchStack } from "../lib/stack.ts";
import { sleep, summarize } from "../lib/stats.ts";

/**
 * In the viewer page, before its own script: the moment the view shows a dialog or a select's list,
 * against the moment the remote page opened it (the fixture writes that time into the text the view
 * shows: performance.timeOrigin + now, the same clock in both browsers on this machine).
 */
const PROBE = `(() => {
  const nv = (window.__nv = { dialogs: [], lists: [] });
  const openedAt = (text) => Number(/opened at ([0-9.]+)/.exec(text || "")?.[1]);
  new MutationObserver(() => {
    const now = performance.timeOrigin + performance.now();
    const message = document.querySelector("#native .native-box .message");
    if (message && !message.dataset.seen) {
      message.dataset.seen = "1";
      const at = openedAt(message.textContent);
      if (at) nv.dialogs.push(now - at);
      // The person answers at once: the page opens its next dialog a moment later.
      document.querySelector("#native .native-box button.primary")?.click();
    }
    const option = document.querySelector("#native .native-list .option");
    if (option && !option.dataset.seen) {
      option.dataset.seen = "1";
      const at = openedAt(option.textContent);
      if (at) nv.lists.push(now - at);
    }
  }).observe(document, { childList: true, subtree: true });
})();`;

async function openViewer(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  await context.addInitScript(PROBE);
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

const count = (page: Page, key: "dialogs" | "lists") =>
  page.evaluate((k) => ((window as any).__nv[k] as number[]).length, key);

/**
 * Figure 14: time from a dialog or a select's list opening in the worker's browser to it showing
 * in the viewer, one viewer, through the real API relay: alerts the page opens by itself (answered
 * at once by the viewer), and a select the viewer's mouse presses open on the picture (closed with
 * Escape). The list's time starts at the page's mousedown, so it includes Chromium building the list.
 */
export async function measureNativeUi(stack: BenchStack, samples: number) {
  // A scripted user's own Playwright connection would dismiss dialogs by itself (it has no listener).
  await stack.dropUser();
  const viewers = await chromium.launch({
    executablePath: stack.chromiumPath,
    headless: true,
    args: [...CHROMIUM_ARGS],
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const ids: string[] = [];
  try {
    const start = async (path: string) => {
      const { view } = await startSession(stack, "bench-latency", `${stack.site.appOrigin}${path}`, 10_000);
      ids.push(view.sessionId);
      await pollUntil(stack, view.sessionId, (v) => v.status === "awaiting_login", { intervalMs: 100 });
      const url = (view as { liveViewUrl?: string }).liveViewUrl;
      if (!url?.includes("/live/")) throw new Error(`session ${view.sessionId} has no self-hosted live view`);
      return url;
    };

    const dialogsPage = await openViewer(viewers, await start("/bench-native/dialogs"));
    await dialogsPage
      .waitForFunction((n) => (window as any).__nv.dialogs.length >= n, samples + 2, {
        timeout: 60_000 + samples * 2_000,
        polling: 200,
      })
      .catch(async (error) => {
        throw new Error(
          `${(error as Error).message.split("\n")[0]}: the view says "${await dialogsPage.locator("#status").textContent()}", native: ${await dialogsPage.locator("#stage").innerHTML()}`,
        );
      });
    // The first two warm the path (the first frame, the first dialog of the page).
    const dialogs = (await dialogsPage.evaluate(() => (window as any).__nv.dialogs as number[])).slice(2);
    await dialogsPage.context().close();

    const selectPage = await openViewer(viewers, await start("/bench-native/select"));
    await selectPage.waitForFunction(() => document.getElementById("status")?.hidden, undefined, { timeout: 30_000 });
    const canvas = (await selectPage.locator("#screen").boundingBox())!;
    for (let i = 0; i < samples + 2; i++) {
      const before = await count(selectPage, "lists");
      // The fixture's select lies at 20,20, 240×32 CSS pixels.
      await selectPage.mouse.click(canvas.x + 140, canvas.y + 36);
      await selectPage.waitForFunction((n) => (window as any).__nv.lists.length > n, before, { timeout: 10_000 });
      await selectPage.keyboard.press("Escape");
      await selectPage.locator("#native .native-list").waitFor({ state: "detached", timeout: 10_000 });
      await sleep(150 + Math.random() * 150);
    }
    const lists = (await selectPage.evaluate(() => (window as any).__nv.lists as number[])).slice(2);
    return { dialogMs: summarize(dialogs), selectMs: summarize(lists), samples };
  } finally {
    await viewers.close();
    await Promise.all(ids.map((id) => cancel(stack, id).catch(() => {})));
  }
}
