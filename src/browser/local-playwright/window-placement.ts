import { evaluateInIsolatedWorld } from "../isolated-world.ts";
import { type DeviceScaleScreen, screenFor } from "./device-scale-screens.ts";

type Send = (method: string, params?: Record<string, unknown>) => Promise<unknown>;

/**
 * Chrome's narrowest window, in CSS pixels. Asked for less, Chromium's headless platform reports the
 * width asked for while the window draws at this one, so narrower sizes are never taken as fitted.
 */
const MIN_WINDOW_WIDTH = 500;

/** A CSS-pixel size. */
export interface Size {
  width: number;
  height: number;
}

/** What is known of one window, kept by whoever places it again (one per DevTools connection). */
export interface PlacedWindow {
  screen?: DeviceScaleScreen;
  /** What the window has around its page (tabs, address bar): measured once, before any size override. */
  frame?: Size;
}

/**
 * Puts a tab's window on the screen of a pixel ratio and, with `size`, resizes the window so that its
 * page is that size, rather than having the page emulate a size its window does not have (a page
 * wider than its window, mouse coordinates below the window's frame, a screen without its taskbar
 * all show automation: docs/real-sites.md). Answers the ratio of the screen, and whether the page
 * now has the size by itself: a window is never narrower than Chrome's minimum (500 CSS pixels), so
 * a narrower viewer still needs the size emulated.
 */
export async function placeWindow(
  send: Send,
  screens: DeviceScaleScreen[],
  want: { devicePixelRatio: number; size?: Size },
  placed: PlacedWindow,
): Promise<{ devicePixelRatio: number; fitted: boolean }> {
  const screen = screenFor(want.devicePixelRatio, screens);
  const { windowId } = (await send("Browser.getWindowForTarget")) as { windowId: number };
  // Windows open on the first screen: a ratio-1 window is never moved.
  if ((placed.screen ?? screens[0]) !== screen) {
    await send("Browser.setWindowBounds", { windowId, bounds: { left: screen.left, top: 0 } });
  }
  placed.screen = screen;
  if (!want.size) return { devicePixelRatio: screen.devicePixelRatio, fitted: false };
  placed.frame ??= await measureFrame(send);
  const width = want.size.width + placed.frame.width;
  const height = want.size.height + placed.frame.height;
  const before = (await send("Browser.getWindowBounds", { windowId })) as { bounds: Size };
  if (before.bounds.width !== width || before.bounds.height !== height) {
    await send("Browser.setWindowBounds", { windowId, bounds: { width: Math.max(width, MIN_WINDOW_WIDTH), height } });
  }
  const after = (await send("Browser.getWindowBounds", { windowId })) as { bounds: Size };
  return {
    devicePixelRatio: screen.devicePixelRatio,
    fitted: width >= MIN_WINDOW_WIDTH && after.bounds.width === width && after.bounds.height === height,
  };
}

/**
 * The window's size less its page's, read where the page cannot see the reading (an isolated world).
 * Right while no size is emulated on the page: a DevTools connection measures before it sets any.
 */
async function measureFrame(send: Send): Promise<Size> {
  const frame = await evaluateInIsolatedWorld<Size>(
    send,
    "({ width: outerWidth - innerWidth, height: outerHeight - innerHeight })",
  ).catch(() => undefined);
  // Chrome 156's own frame around a page, should the page not answer (it is loading).
  return frame && frame.width >= 0 && frame.height >= 0 ? frame : { width: 0, height: 87 };
}
