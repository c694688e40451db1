import type { Browser, BrowserContext, BrowserContextOptions } from "playwright-core";
import type { StorageState } from "./service-client.ts";

/**
 * Opens a browser context logged in as the captured user: cookies and localStorage through
 * Playwright's own `storageState`, sessionStorage through an init script that fills it on each
 * captured origin before the page's own scripts run (and only where the tab has none yet).
 */
export async function restoreSession(
  browser: Browser,
  state: StorageState,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    ...options,
    storageState: {
      cookies: state.cookies,
      origins: state.origins.map(({ origin, localStorage }) => ({ origin, localStorage })),
    },
  });
  const sessionStorageByOrigin = Object.fromEntries(
    state.origins.filter((o) => o.sessionStorage.length > 0).map((o) => [o.origin, o.sessionStorage]),
  );
  if (Object.keys(sessionStorageByOrigin).length > 0) {
    await context.addInitScript((byOrigin: Record<string, { name: string; value: string }[]>) => {
      const items = byOrigin[location.origin];
      if (!items || sessionStorage.length > 0) return;
      for (const { name, value } of items) sessionStorage.setItem(name, value);
    }, sessionStorageByOrigin);
  }
  return context;
}
