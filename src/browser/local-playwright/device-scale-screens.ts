/**
 * A browser without a display has the screens `--screen-info` gives it (the offscreen and headless
 * window modes). Screencast frames come at the pixel ratio of the screen a tab's window is on,
 * whatever ratio the page emulates: with one screen of ratio 1, a phone or a Retina viewer got frames
 * of CSS-pixel size, blurred once scaled up to theirs. So the browser has one screen per ratio, side
 * by side, and the live view moves a tab's window to the screen of its viewer's ratio. New windows
 * open on the first screen: unviewed tabs cost what they did.
 *
 * Sites read these screens (screen.width, availHeight...), so each is a real desktop's, with a
 * taskbar, and large enough for the largest window the live view makes at its ratio (viewport.ts:
 * 1920 x 1200 CSS pixels, at most 2560 device pixels a side, plus the window's own frame).
 */
export interface DeviceScaleScreen {
  devicePixelRatio: number;
  /** Where the screen starts, in the browser's screen coordinates (device pixels). */
  left: number;
  /** Device pixels. */
  width: number;
  height: number;
  /** The taskbar's height, in device pixels: screen.availHeight is the height less this. */
  taskbar: number;
}

/** A QHD desktop, a 5K one at 200 %, a 4K-wide one at 300 %: each with a 48-pixel (CSS) taskbar. */
const SIZES = [
  { devicePixelRatio: 1, width: 2_560, height: 1_440 },
  { devicePixelRatio: 2, width: 5_120, height: 2_880 },
  { devicePixelRatio: 3, width: 3_840, height: 2_880 },
];

export const DEVICE_SCALE_SCREENS: DeviceScaleScreen[] = SIZES.map((size, i) => ({
  ...size,
  left: SIZES.slice(0, i).reduce((sum, s) => sum + s.width, 0),
  taskbar: 48 * size.devicePixelRatio,
}));

/** Chromium's `--screen-info` switch describing those screens. */
export function screenInfoSwitch(screens = DEVICE_SCALE_SCREENS): string {
  return `--screen-info=${screens
    .map(
      (s) => `{${s.left},0 ${s.width}x${s.height} devicePixelRatio=${s.devicePixelRatio} workAreaBottom=${s.taskbar}}`,
    )
    .join("")}`;
}

/** The screen for a viewer's ratio: the first as sharp as it, else the sharpest there is. */
export function screenFor(devicePixelRatio: number, screens = DEVICE_SCALE_SCREENS): DeviceScaleScreen {
  return screens.find((s) => s.devicePixelRatio >= devicePixelRatio - 0.01) ?? screens.at(-1)!;
}
