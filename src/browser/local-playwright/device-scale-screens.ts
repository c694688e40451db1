/**
 * Headless Chromium captures screencast frames at the pixel ratio of the screen a tab's window is
 * on, whatever ratio the page emulates: with its one screen of ratio 1, a phone or a Retina viewer
 * got frames of CSS-pixel size, blurred once scaled up to theirs. So the browser starts with one
 * virtual screen per ratio, side by side, and the live view moves a tab's window to the screen of
 * its viewer's ratio. New windows open on the first screen: unviewed tabs cost what they did.
 */
export interface DeviceScaleScreen {
  devicePixelRatio: number;
  /** Where the screen starts, in the browser's screen coordinates. */
  left: number;
}

/** Larger than the largest viewport the live view sets (viewport.ts), so a window always fits. */
const SCREEN = { width: 2_560, height: 1_600 };

export const DEVICE_SCALE_SCREENS: DeviceScaleScreen[] = [1, 2, 3].map((devicePixelRatio, i) => ({
  devicePixelRatio,
  left: i * SCREEN.width,
}));

/** Chromium's headless `--screen-info` switch describing those screens. */
export function screenInfoSwitch(screens = DEVICE_SCALE_SCREENS): string {
  return `--screen-info=${screens.map((s) => `{${s.left},0 ${SCREEN.width}x${SCREEN.height} devicePixelRatio=${s.devicePixelRatio}}`).join("")}`;
}

/** The screen for a viewer's ratio: the first as sharp as it, else the sharpest there is. */
export function screenFor(devicePixelRatio: number, screens = DEVICE_SCALE_SCREENS): DeviceScaleScreen {
  return screens.find((s) => s.devicePixelRatio >= devicePixelRatio - 0.01) ?? screens.at(-1)!;
}
