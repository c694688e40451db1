/** The remote viewport follows the viewer's window, within bounds a login page needs and a frame can carry. */
export interface Viewport {
  width: number;
  height: number;
  dpr: number;
}

export const DEFAULT_VIEWPORT: Viewport = { width: 1280, height: 800, dpr: 1 };

const MIN = { width: 320, height: 240 };
const MAX = { width: 1920, height: 1200 };
/** Device pixels per frame side: a 4K-wide frame is as far as JPEG encoding keeps up while typing. */
const MAX_DEVICE_PIXELS = 2_560;

export function clampViewport(wanted: Viewport): Viewport {
  const width = Math.round(Math.min(MAX.width, Math.max(MIN.width, wanted.width)));
  const height = Math.round(Math.min(MAX.height, Math.max(MIN.height, wanted.height)));
  const dpr = Math.min(3, Math.max(1, wanted.dpr), MAX_DEVICE_PIXELS / Math.max(width, height));
  return { width, height, dpr: Math.max(1, Math.round(dpr * 100) / 100) };
}
