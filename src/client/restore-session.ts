import type { Browser, BrowserContext, BrowserContextOptions } from "playwright-core";
import type { CapturedState } from "../credentials/captured-state.ts";
import type { Device } from "../credentials/device.ts";

/**
 * Opens a browser context logged in as the captured user: cookies and localStorage through
 * Playwright's own `storageState`, sessionStorage through an init script that fills it on each
 * captured origin before the page's own scripts run (and only where the tab has none yet).
 *
 * `device` (the storage-state answer's): the context shows the site the device it saw at login, its
 * user agent, locale, time zone, viewport, screen and pixel ratio, so that the site does not take
 * the app's browser for a new device (and ask for a second factor again). `options` win over it.
 */
export async function restoreSession(
  browser: Browser,
  state: CapturedState,
  options: BrowserContextOptions & { device?: Device } = {},
): Promise<BrowserContext> {
  const { device, ...contextOptions } = options;
  const context = await browser.newContext({
    ...(device ? contextOptionsFor(device) : {}),
    ...contextOptions,
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

/** Playwright's context options for a recorded device. WebGL strings are not among them: a GPU has its own. */
export function contextOptionsFor(device: Device): BrowserContextOptions {
  return {
    userAgent: device.userAgent,
    locale: device.locale,
    timezoneId: device.timeZone,
    viewport: device.viewport,
    screen: device.screen,
    deviceScaleFactor: device.devicePixelRatio,
  };
}
