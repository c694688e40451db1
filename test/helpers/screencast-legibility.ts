import type { Browser, CDPSession, Page } from "playwright-core";
import { screenFor } from "../../src/browser/local-playwright/device-scale-screens.ts";
import { type Gray, meanAbsError, psnr, ssim } from "./text-similarity.ts";

/**
 * How legible the live view's frames keep the small text of a login form: the fixture page
 * (`/legibility`, test/fixtures/legibility-page.ts) screencast as the live view does it
 * (src/live-view/tab-stream.ts: device metrics override, then `Page.startScreencast` bounded to the
 * viewport's device pixels), once as lossless PNG, the reference, then in the format and quality
 * measured; each text box of the page (from the DOM) is compared on grayscale pixels.
 * Images are decoded by Chromium itself (createImageBitmap + canvas): no decoder is installed in Node.
 */
export const VIEWER_SIZE = { width: 1000, height: 664 } as const;

export interface TextBox {
  name: string;
  /** Computed font size in CSS px: the smallest text is what must stay legible. */
  fontPx: number;
  /** In CSS px, padded by 2 px around the text. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Frames {
  /** Base64, as Chromium sends it. */
  images: string[];
  bytes: number[];
  /** From the DOM change to the frame at this DevTools client: painting plus encoding, one frame after another. */
  ms: number[];
}

export interface LegibilityPage {
  boxes: TextBox[];
  /** `count` consecutive frames in this format, each after a small repaint away from the text. */
  frames(format: string, quality: number | undefined, count: number): Promise<Frames>;
  close(): Promise<void>;
}

export async function openLegibilityPage(browser: Browser, url: string, dpr: number): Promise<LegibilityPage> {
  // The viewer's size and pixel ratio as a context's, which Playwright sets with the same
  // Emulation.setDeviceMetricsOverride the live view sends.
  const context = await browser.newContext({ viewport: VIEWER_SIZE, deviceScaleFactor: dpr });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    const cdp = await context.newCDPSession(page);
    // On the screen of that ratio, as the live view places a viewed tab (the browser has the worker's screens).
    const { windowId } = await cdp.send("Browser.getWindowForTarget");
    await cdp.send("Browser.setWindowBounds", { windowId, bounds: { left: screenFor(dpr).left, top: 0 } });
    // And the size override after the move, as the live view sends it: one from before the move leaves the page
    // below the moved window's content area making no frames.
    await cdp.send("Emulation.setDeviceMetricsOverride", { ...VIEWER_SIZE, deviceScaleFactor: dpr, mobile: false });
    await cdp.send("Page.enable");
    await cdp.send("Page.bringToFront");
    await page.evaluate(() => document.fonts.ready);
    const boxes = await page.evaluate(textBoxes);
    return {
      boxes,
      frames: (format, quality, count) => screencast(page, cdp, dpr, format, quality, count),
      close: () => context.close(),
    };
  } catch (error) {
    await context.close();
    throw error;
  }
}

/** Runs in the page: each `[data-text]` element's text box (an input's inside its border). */
function textBoxes(): TextBox[] {
  const pad = 2;
  return Array.from(document.querySelectorAll<HTMLElement>("[data-text]")).map((el) => {
    let rect: DOMRect;
    if (el instanceof HTMLInputElement) {
      const r = el.getBoundingClientRect();
      rect = new DOMRect(r.x + 1, r.y + 1, r.width - 2, r.height - 2);
    } else {
      // The text itself, not the block's full width: a box of mostly white says little. A line
      // holding a marked span of its own (the code) is measured up to it.
      const range = document.createRange();
      range.selectNodeContents(el.querySelector(":scope > [data-text]") ? el.firstChild! : el);
      rect = range.getBoundingClientRect();
    }
    const x = Math.floor(rect.x - pad);
    const y = Math.floor(rect.y - pad);
    return {
      name: el.dataset.text!,
      fontPx: parseFloat(getComputedStyle(el).fontSize),
      x,
      y,
      width: Math.ceil(rect.right + pad) - x,
      height: Math.ceil(rect.bottom + pad) - y,
    };
  });
}

async function screencast(
  page: Page,
  cdp: CDPSession,
  dpr: number,
  format: string,
  quality: number | undefined,
  count: number,
): Promise<Frames> {
  const out: Frames = { images: [], bytes: [], ms: [] };
  let arrived: ((data: string) => void) | undefined;
  const onFrame = ({ data, sessionId }: { data: string; sessionId: number }) => {
    void cdp.send("Page.screencastFrameAck", { sessionId }).catch(() => {});
    arrived?.(data);
  };
  cdp.on("Page.screencastFrame", onFrame);
  try {
    const bound = { maxWidth: VIEWER_SIZE.width * dpr, maxHeight: VIEWER_SIZE.height * dpr };
    await cdp.send("Page.startScreencast", {
      format: format as "jpeg",
      ...(quality === undefined ? {} : { quality }),
      ...bound,
    });
    for (let i = 0; i < count; i++) {
      const next = new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${format} frame within 10 s`)), 10_000);
        arrived = (data) => {
          clearTimeout(timer);
          resolve(data);
        };
      });
      const t0 = performance.now();
      // A new shade each time: a change undone before Chromium paints it makes no frame at all.
      await page.evaluate(() => {
        const tick = document.getElementById("tick")!;
        const n = Number(tick.dataset.n ?? 0) + 1;
        tick.dataset.n = String(n);
        tick.style.background = `rgb(255, 255, ${255 - (n % 16)})`;
      });
      const data = await next;
      out.ms.push(performance.now() - t0);
      out.images.push(data);
      out.bytes.push(Buffer.from(data, "base64").length);
    }
  } finally {
    arrived = undefined;
    cdp.off("Page.screencastFrame", onFrame);
    await cdp.send("Page.stopScreencast").catch(() => {});
  }
  return out;
}

/** Decodes images in a blank page of `browser` and hands back each box's grayscale pixels. */
export async function createDecoder(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  return {
    /**
     * `boxes` are in CSS px of a page `VIEWER_SIZE.width` wide; the frame may have more pixels
     * (a high-dpr frame): each box is read at them and brought back to CSS pixels.
     */
    async crops(image: string, boxes: TextBox[]): Promise<{ frameWidth: number; crops: Gray[] }> {
      const { frameWidth, raw } = await page.evaluate(decodeCrops, { image, boxes, cssWidth: VIEWER_SIZE.width });
      return {
        frameWidth,
        crops: raw.map((r) => ({
          width: r.width,
          height: r.height,
          data: new Uint8Array(Buffer.from(r.gray, "base64")),
        })),
      };
    },
    /** The decoder page itself (the figure composes its picture of crops there). */
    page,
    close: () => context.close(),
  };
}

/** Runs in the decoder page: the image's format is found from its bytes by the browser. */
async function decodeCrops({ image, boxes, cssWidth }: { image: string; boxes: TextBox[]; cssWidth: number }) {
  const bytes = Uint8Array.from(atob(image), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes]));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext("2d")!;
  ctx.drawImage(bitmap, 0, 0);
  const scale = bitmap.width / cssWidth;
  // Compared as the person sees it: on a screen of that ratio, each CSS pixel's scale×scale device
  // pixels are one spot at reading distance, so they are averaged into one (a ratio-1 frame is as is).
  const n = Math.max(1, Math.round(scale));
  const raw = boxes.map((b) => {
    const [x, y] = [b.x, b.y].map((v) => Math.round(v * scale)) as [number, number];
    const [width, height] = [b.width, b.height].map((v) => Math.round(v)) as [number, number];
    const rgba = ctx.getImageData(x, y, width * n, height * n).data;
    const grey = (i: number) => 0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!;
    let s = "";
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        let sum = 0;
        for (let dy = 0; dy < n; dy++)
          for (let dx = 0; dx < n; dx++) sum += grey(((row * n + dy) * width * n + col * n + dx) * 4);
        s += String.fromCharCode(Math.round(sum / (n * n)));
      }
    }
    return { width, height, gray: btoa(s) };
  });
  return { frameWidth: bitmap.width, raw };
}

export interface BoxScore {
  name: string;
  fontPx: number;
  ssim: number;
  meanAbsError: number;
}

/** Each box's SSIM and mean absolute error, and the PSNR over all text pixels together. */
export function compareCrops(boxes: TextBox[], reference: Gray[], measured: Gray[]) {
  const scores: BoxScore[] = boxes.map((box, i) => ({
    name: box.name,
    fontPx: box.fontPx,
    ssim: ssim(reference[i]!, measured[i]!),
    meanAbsError: meanAbsError(reference[i]!.data, measured[i]!.data),
  }));
  const all = (crops: Gray[]) => Uint8Array.from(crops.flatMap((c) => [...c.data]));
  return { scores, psnr: psnr(all(reference), all(measured)) };
}

/**
 * The legibility bar: every text box's SSIM against the lossless frame at least this. Chosen by
 * looking at the crops (docs/live-view-quality.png): below it, ringing around the 11–12 px glyphs
 * is plain to see and look-alikes (I l 1 |) start to blur into each other; above it, the text reads
 * as in the original. See docs/live-view.md, "Image format and quality".
 */
export const LEGIBLE_SSIM = 0.95;

export interface Setting {
  format: "jpeg" | "webp";
  quality: number;
}

export interface SettingResult extends Setting {
  dpr: number;
  /** Pixels across a frame. */
  frameWidth: number;
  bytes: number[];
  ms: number[];
  /** CPU the browser spent per frame (painting and encoding), when the caller can read it. */
  cpuMsPerFrame?: number;
  psnr: number;
  meanSsim: number;
  /** The least legible text box. */
  minSsim: BoxScore;
  /** The lowest SSIM among the boxes of the smallest font size (11 px). */
  smallestTextSsim: number;
  /** Largest mean absolute error (grey levels) of any text box. */
  worstGlyph: BoxScore;
  /** The last frame, base64, for pictures. */
  image: string;
}

/**
 * The fixture at `dpr`: a PNG reference, then `frames` frames of each setting, compared to it.
 * `cpuSeconds`, when given, reads the browser's CPU time so far (the bench reads /proc).
 */
export async function measureLegibility(
  browser: Browser,
  url: string,
  dpr: number,
  settings: Setting[],
  frames: number,
  cpuSeconds?: () => number,
) {
  const page = await openLegibilityPage(browser, url, dpr);
  const decoder = await createDecoder(browser);
  try {
    const png = await page.frames("png", undefined, 1);
    const reference = await decoder.crops(png.images[0]!, page.boxes);
    const smallest = Math.min(...page.boxes.map((b) => b.fontPx));
    // A few unmeasured frames first: the browser's first JPEG frames cost more (set-up).
    if (cpuSeconds) await page.frames("jpeg", 50, 3);
    const results: SettingResult[] = [];
    for (const setting of settings) {
      const cpuBefore = cpuSeconds?.();
      const measured = await page.frames(setting.format, setting.quality, frames);
      const cpuMsPerFrame =
        cpuSeconds && cpuBefore !== undefined ? Math.round(((cpuSeconds() - cpuBefore) * 1000) / frames) : undefined;
      const image = measured.images.at(-1)!;
      const { frameWidth, crops } = await decoder.crops(image, page.boxes);
      const { scores, psnr } = compareCrops(page.boxes, reference.crops, crops);
      results.push({
        ...setting,
        dpr,
        frameWidth,
        bytes: measured.bytes,
        ms: measured.ms,
        ...(cpuMsPerFrame === undefined ? {} : { cpuMsPerFrame }),
        psnr,
        meanSsim: scores.reduce((sum, s) => sum + s.ssim, 0) / scores.length,
        minSsim: scores.reduce((a, b) => (b.ssim < a.ssim ? b : a)),
        smallestTextSsim: Math.min(...scores.filter((s) => s.fontPx === smallest).map((s) => s.ssim)),
        worstGlyph: scores.reduce((a, b) => (b.meanAbsError > a.meanAbsError ? b : a)),
        image,
      });
    }
    return { boxes: page.boxes, reference: { bytes: png.bytes[0]!, image: png.images[0]! }, results };
  } finally {
    await decoder.close();
    await page.close();
  }
}
