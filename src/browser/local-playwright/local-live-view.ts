import type { BrowserContext, Page } from "patchright-core";
import type { DevToolsChannel, LiveViewSource, LiveViewTab } from "../live-view-source.ts";
import type { DeviceScaleScreen } from "./device-scale-screens.ts";
import { type PlacedWindow, placeWindow } from "./window-placement.ts";

/**
 * The live view's window into a local session's context: its tabs by the ids the session gave them.
 * `screens`: the browser's screens by pixel ratio (device-scale-screens.ts); none for windows on a display.
 */
export function localLiveViewSource(
  context: BrowserContext,
  pageIdOf: (page: Page) => string | undefined,
  screens?: DeviceScaleScreen[],
): LiveViewSource {
  /** The window each viewer's connection placed: its screen and frame. */
  const placed = new WeakMap<DevToolsChannel, PlacedWindow>();
  const findPage = (pageId: string) => context.pages().find((p) => pageIdOf(p) === pageId && !p.isClosed());
  return {
    async tabs() {
      const tabs = await Promise.all(
        context.pages().map(async (page): Promise<LiveViewTab | undefined> => {
          const pageId = pageIdOf(page);
          if (!pageId || page.isClosed()) return undefined;
          const title = await page.title().catch(() => "");
          return { pageId, url: page.url(), title };
        }),
      );
      return tabs.filter((t): t is LiveViewTab => t !== undefined);
    },
    async connect(pageId) {
      const page = findPage(pageId);
      if (!page) return undefined;
      const cdp = await context.newCDPSession(page).catch(() => undefined);
      if (!cdp) return undefined;
      const channel: DevToolsChannel = {
        send: (method, params) => cdp.send(method as never, params as never),
        on: (event, listener) => void cdp.on(event as never, listener),
        detach: () => cdp.detach().catch(() => {}),
      };
      return channel;
    },
    ...(screens && {
      async placeWindow(
        channel: DevToolsChannel,
        viewport: { width: number; height: number; devicePixelRatio: number },
      ) {
        // Asked again on every navigation and resize: the window moves only when the screen changes.
        const window = placed.get(channel) ?? {};
        placed.set(channel, window);
        const { width, height, devicePixelRatio } = viewport;
        const { devicePixelRatio: ratio, fitted } = await placeWindow(
          (method, params) => channel.send(method, params),
          screens,
          { devicePixelRatio, size: { width, height } },
          window,
        );
        return fitted ? { fitted: true as const } : { fitted: false as const, deviceScaleFactor: ratio };
      },
    }),
  };
}
