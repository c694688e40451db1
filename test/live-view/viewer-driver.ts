import {
  type Browser,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
  type WebSocket as PageSocket,
} from "playwright-core";
import { launchChromium } from "../../src/browser/local-playwright/chromium-launch.ts";
import { DEMO_USER } from "../../src/demo/demo-site.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * The person's side of a live view: a second, independent headless Chromium that opens the link
 * and acts only with mouse and keyboard on the viewer page. Where to click is learned from the
 * same fixture page rendered in this browser at the viewer's size, never by asking the worker's.
 */
export interface Viewer {
  page: Page;
  /** The viewer page's socket to the API. */
  socket: Promise<PageSocket>;
  statusText(): Promise<string>;
  /** Frames received so far (counted on the socket). */
  frames(): number;
  /** The CSS sizes the worker announced for its frames, in order. */
  frameSizes(): { width: number; height: number }[];
  /** The latest frame's size in pixels, read from the JPEG itself. */
  framePixels(): { width: number; height: number } | undefined;
  /** Clicks the centre of `selector` as it lies on `referenceUrl` at the viewer's size. */
  clickLike(referenceUrl: string, selector: string): Promise<void>;
  /** The same with a finger (a viewer opened with `hasTouch`). */
  tapLike(referenceUrl: string, selector: string): Promise<void>;
  close(): Promise<void>;
}

/** A JPEG's size from its start-of-frame segment. */
function jpegSize(jpeg: Buffer): { width: number; height: number } | undefined {
  for (let at = 2; at + 9 < jpeg.length; at += 2 + jpeg.readUInt16BE(at + 2)) {
    const marker = jpeg[at + 1]!;
    if (marker >= 0xc0 && marker <= 0xc3)
      return { height: jpeg.readUInt16BE(at + 5), width: jpeg.readUInt16BE(at + 7) };
  }
  return undefined;
}

export async function openViewerBrowser(): Promise<Browser> {
  return (await launchChromium(chromium, { window: "headless" })).browser;
}

/** `device`: a phone, say (`isMobile`, `hasTouch`, `deviceScaleFactor`). */
export async function openViewer(
  browser: Browser,
  url: string,
  size = { width: 1000, height: 700 },
  device: BrowserContextOptions = {},
): Promise<Viewer> {
  const context = await browser.newContext({ ...device, viewport: size });
  const page = await context.newPage();
  let frames = 0;
  const sizes: { width: number; height: number }[] = [];
  let pixels: { width: number; height: number } | undefined;
  const socket = page.waitForEvent("websocket");
  void socket.then((ws) =>
    ws.on("framereceived", (f) => {
      if (typeof f.payload !== "string") {
        pixels = jpegSize(f.payload) ?? pixels;
        frames += 1;
        return;
      }
      const message = JSON.parse(f.payload);
      if (message.t === "frame-size") sizes.push(message);
    }),
  );
  await page.goto(url);
  const pointAt = (referenceUrl: string, selector: string) =>
    pointInView(browser, page.locator("#screen"), referenceUrl, selector);
  return {
    page,
    socket,
    statusText: async () =>
      (await page.locator("#status").isVisible()) ? ((await page.locator("#status").textContent()) ?? "") : "",
    frames: () => frames,
    frameSizes: () => sizes,
    framePixels: () => pixels,
    async clickLike(referenceUrl, selector) {
      const { x, y } = await pointAt(referenceUrl, selector);
      await page.mouse.click(x, y);
    },
    async tapLike(referenceUrl, selector) {
      const { x, y } = await pointAt(referenceUrl, selector);
      await page.touchscreen.tap(x, y);
    },
    close: () => context.close(),
  };
}

/** A test's people: one viewer browser, and every viewer opened in it, closed together. */
export interface Viewers {
  open(url: string, size?: { width: number; height: number }, device?: BrowserContextOptions): Promise<Viewer>;
  /** Closes the viewers opened so far (a test that must be alone on its worker). */
  closeOpened(): Promise<void>;
  close(): Promise<void>;
}

export async function startViewers(): Promise<Viewers> {
  const browser = await openViewerBrowser();
  const opened: Viewer[] = [];
  const closeOpened = async () => void (await Promise.all(opened.splice(0).map((v) => v.close().catch(() => {}))));
  return {
    async open(url, size, device) {
      const viewer = await openViewer(browser, url, size, device);
      opened.push(viewer);
      return viewer;
    },
    closeOpened,
    async close() {
      await closeOpened();
      await browser.close();
    },
  };
}

/** Waits until the viewer shows the remote page (the status overlay is gone and a frame arrived). */
export async function waitForPicture(viewer: Viewer, what = "the remote page on the viewer") {
  await waitFor(async () => viewer.frames() > 0 && (await viewer.statusText()) === "", { timeoutMs: 15_000, what });
}

/**
 * Where `selector` lies on a live view's screen (the viewer page's `#screen`, wherever it is shown):
 * `referenceUrl` rendered in `browser` at the screen's size, never asked of the worker's browser.
 */
export async function pointInView(browser: Browser, screen: Locator, referenceUrl: string, selector: string) {
  const canvas = (await screen.boundingBox())!;
  const reference = await browser.newContext({
    viewport: { width: Math.round(canvas.width), height: Math.round(canvas.height) },
  });
  try {
    const refPage = await reference.newPage();
    await refPage.goto(referenceUrl);
    const box = (await refPage.locator(selector).boundingBox())!;
    return { x: canvas.x + box.x + box.width / 2, y: canvas.y + box.y + box.height / 2 };
  } finally {
    await reference.close();
  }
}

/** Types the demo user's login where the focus is, as a person would: name, Tab, password, Enter. */
async function typeDemoLogin(page: Page) {
  await page.keyboard.type(DEMO_USER.username);
  await page.keyboard.press("Tab");
  await page.keyboard.type(DEMO_USER.password);
  await page.keyboard.press("Enter");
}

/** Logs in to the fixture site through the view, as a person would: a click in the username field, then keys. */
export async function logInThroughViewer(viewer: Viewer, loginPageUrl: string) {
  await viewer.clickLike(loginPageUrl, "#username");
  await typeDemoLogin(viewer.page);
}

/**
 * The same through a live view framed in another page (a connect page or button): `screen` is the
 * frame's `#screen`, `page` the page that frames it.
 */
export async function logInThroughFramedView(browser: Browser, page: Page, screen: Locator, loginPageUrl: string) {
  const { x, y } = await pointInView(browser, screen, loginPageUrl, "#username");
  await page.mouse.click(x, y);
  await typeDemoLogin(page);
}
