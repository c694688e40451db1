import type { BrowserContext, Page } from "patchright-core";
import type { DevToolsChannel, LiveViewSource, LiveViewTab, NativeUiSource } from "../live-view-source.ts";
import type { DeviceScaleScreen } from "./device-scale-screens.ts";
import { type PlacedWindow, placeWindow } from "./window-placement.ts";

export interface LocalTabs {
  pageIdOf(page: Page): string | undefined;
  /** The tab's address and title as the browser records them (DevTools' target info), when it can say. */
  targetInfo(page: Page): Promise<{ url: string; title: string } | undefined>;
  native: NativeUiSource;
}

/**
 * The live view's window into a local session's context: its tabs by the ids the session gave them,
 * and their native UI. `screens`: the browser's screens by pixel ratio (device-scale-screens.ts); none
 * for windows on a display.
 */
export function localLiveViewSource(
  context: BrowserContext,
  { pageIdOf, targetInfo, native }: LocalTabs,
  screens?: DeviceScaleScreen[],
): LiveViewSource {
  /** The window each viewer's connection placed: its screen and frame. */
  const placed = new WeakMap<DevToolsChannel, PlacedWindow>();
  const findPage = (pageId: string) => context.pages().find((p) => pageIdOf(p) === pageId && !p.isClosed());
  return {
    native,
    async tabs() {
      const tabs = await Promise.all(
        context.pages().map(async (page): Promise<LiveViewTab | undefined> => {
          const pageId = pageIdOf(page);
          if (!pageId || page.isClosed()) return undefined;
          // Not page.title(): it evaluates in the page, which waits while a dialog is open (and answers "").
          const info = await targetInfo(page).catch(() => undefined);
          const url = info?.url || page.url();
          // A page without a title has its address as its title there: none, as the page itself says.
          const title = info && info.title !== url && info.title !== url.replace(/^https?:\/\//, "") ? info.title : "";
          return { pageId, url, title };
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
