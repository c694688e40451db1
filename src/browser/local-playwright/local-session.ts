import type { BrowserContext, CDPSession, Page } from "patchright-core";
import type { CapturedState, Cookie, OriginState, StorageItem } from "../../credentials/captured-state.ts";
import type { Device } from "../../credentials/device.ts";
import type {
  BrowserSession,
  BrowserSessionEvent,
  CaptureOptions,
  PageSnapshot,
  StorageArea,
  StorageValue,
} from "../browser-adapter.ts";
import { filterByOrigins } from "../capture-filter.ts";
import { evaluateInIsolatedWorld } from "../isolated-world.ts";
import type { DeviceScaleScreen } from "./device-scale-screens.ts";
import { readSessionStorage, readStorageItem } from "./devtools-storage.ts";
import { farewellPageUrl } from "./farewell-page.ts";
import { localLiveViewSource } from "./local-live-view.ts";
import { giveWorkersLanguage } from "./worker-languages.ts";

/** setTimeout fires at once for longer delays. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One login session in the local Chromium: its own browser context, every page of it watched
 * (navigations, responses, DevTools storage events), captured with HttpOnly cookies and
 * sessionStorage, closed once whatever asks.
 */
export class LocalSession implements BrowserSession {
  private readonly listeners = new Set<(event: BrowserSessionEvent) => void>();
  private readonly pageIds = new WeakMap<Page, string>();
  private readonly cdp = new WeakMap<Page, CDPSession>();
  private nextPageId = 1;
  /** Origins any frame has loaded: a capture reads their storage as the site left it. */
  private readonly visited = new Set<string>();
  private closing: Promise<void> | undefined;
  /** Ends a farewell under way at once (a second close(), the adapter shutting down). */
  private cutFarewellShort = () => {};
  private readonly backstop: NodeJS.Timeout;

  readonly sessionId: string;
  private readonly context: BrowserContext;
  private readonly options: {
    lifetimeMs: number;
    /** How long close(farewell) shows its message first: 0 when no window is on screen (headless). */
    farewellMs: number;
    /** The browser's screens by pixel ratio, for the live view; none for windows on a display. */
    screens?: DeviceScaleScreen[];
    /** WebGL strings the session's pages are given (overrideWebGlStrings), recorded with the device. */
    webgl?: Device["webgl"];
    /** The context's language, which its pages' dedicated workers are given too (worker-languages.ts). */
    locale?: string;
    /** A browser of its own (OpenSessionRequest.dedicatedBrowser): its DevTools WebSocket on loopback. */
    devToolsEndpoint?: string;
    onClosed: () => void;
  };

  constructor(sessionId: string, context: BrowserContext, options: LocalSession["options"]) {
    this.sessionId = sessionId;
    this.context = context;
    this.options = options;
    // A caller that never closes must not keep a tab forever; the timer alone must not keep the process up.
    this.backstop = setTimeout(
      () => {
        this.emit({
          type: "disconnected",
          code: "session_timeout",
          message: "The browser session reached its time limit and was closed",
        });
        void this.close();
      },
      Math.min(options.lifetimeMs, MAX_TIMER_MS),
    ).unref();
  }

  liveViewUrl(): string | null {
    return null;
  }

  liveViewSource() {
    return localLiveViewSource(this.context, (page) => this.pageIds.get(page), this.options.screens);
  }

  async attach(page: Page): Promise<void> {
    if (this.pageIds.has(page)) return;
    const pageId = `page-${this.nextPageId++}`;
    this.pageIds.set(page, pageId);
    page.on("framenavigated", (frame) => {
      const origin = originOf(frame.url());
      if (origin) this.visited.add(origin);
      if (frame === page.mainFrame()) this.emit({ type: "navigated", pageId, url: frame.url() });
    });
    page.on("response", (response) => {
      this.emit({ type: "response", pageId, url: response.url(), status: response.status() });
      if (response.headers()["set-cookie"] !== undefined) this.emit({ type: "state-changed" });
    });
    page.on("close", () => this.emit({ type: "page-closed", pageId }));
    if (pageId !== "page-1") this.emit({ type: "page-opened", pageId, url: page.url(), liveViewUrl: null });
    // DevTools reports storage writes as events, unseen by the page: storage conditions need no polling.
    try {
      const cdp = await this.context.newCDPSession(page);
      this.cdp.set(page, cdp);
      const changed = () => this.emit({ type: "state-changed" });
      for (const event of [
        "domStorageItemAdded",
        "domStorageItemUpdated",
        "domStorageItemRemoved",
        "domStorageItemsCleared",
      ] as const) {
        cdp.on(`DOMStorage.${event}`, changed);
      }
      await cdp.send("DOMStorage.enable");
      if (this.options.locale) await giveWorkersLanguage(cdp, this.options.locale);
    } catch {
      // The page closed while being attached.
    }
  }

  /** The context closed without close() being asked (a session's own browser exited). */
  closedUnasked(): boolean {
    return this.closing === undefined;
  }

  lostBrowser() {
    this.emit({ type: "disconnected", code: "browser_crashed", message: "The local Chromium process exited" });
  }

  pages(): PageSnapshot[] {
    return this.context.pages().flatMap((page) => {
      const pageId = this.pageIds.get(page);
      return pageId ? [{ pageId, url: page.url() }] : [];
    });
  }

  async cookies(): Promise<Cookie[]> {
    return (await this.context.cookies()).map(toCookie);
  }

  async readStorage(area: StorageArea, key: string): Promise<StorageValue[]> {
    // Through DevTools, from the browser side: a read by script in the page would show (devtools-storage.ts).
    const values = await Promise.all(
      this.context.pages().map((page) => {
        const cdp = this.cdp.get(page);
        return cdp ? readStorageItem(cdp, area, key).catch(() => []) : [];
      }),
    );
    return values.flat();
  }

  async device(): Promise<Device | undefined> {
    const page = this.context.pages().find((p) => !p.isClosed() && this.cdp.has(p));
    const cdp = page && this.cdp.get(page);
    if (!cdp) return undefined;
    const seen = await evaluateInIsolatedWorld<Omit<Device, "webgl">>(
      (method, params) => cdp.send(method as never, params as never),
      `({
        userAgent: navigator.userAgent,
        platform: navigator.platform,
        locale: navigator.language,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        viewport: { width: innerWidth, height: innerHeight },
        screen: { width: screen.width, height: screen.height },
        devicePixelRatio,
      })`,
    ).catch(() => undefined);
    if (!seen) return undefined;
    return { ...seen, ...(this.options.webgl ? { webgl: this.options.webgl } : {}) };
  }

  async capture(options: CaptureOptions): Promise<CapturedState> {
    const [state, sessionStorages] = await Promise.all([
      this.context.storageState({ indexedDB: options.indexedDB ?? false }),
      Promise.all(
        this.context.pages().map((page) => {
          const cdp = this.cdp.get(page);
          return cdp ? readSessionStorage(cdp).catch(() => []) : [];
        }),
      ),
    ]);
    const origins = new Map<string, OriginState>();
    for (const o of state.origins) {
      origins.set(o.origin, {
        origin: o.origin,
        localStorage: o.localStorage,
        sessionStorage: [],
        ...(options.indexedDB && "indexedDB" in o ? { indexedDB: (o as { indexedDB: unknown[] }).indexedDB } : {}),
      });
    }
    for (const entry of sessionStorages.flat()) {
      const existing = origins.get(entry.origin) ?? { origin: entry.origin, localStorage: [], sessionStorage: [] };
      existing.sessionStorage = mergeItems(existing.sessionStorage, entry.items);
      origins.set(entry.origin, existing);
    }
    // storageState() has just read every cookie: asking the browser again would only add a round trip.
    return filterByOrigins({ cookies: state.cookies.map(toCookie), origins: [...origins.values()] }, options.origins);
  }

  visitedOrigins(): string[] {
    return [...this.visited];
  }

  devToolsEndpoint(): string | undefined {
    return this.options.devToolsEndpoint;
  }

  onEvent(listener: (event: BrowserSessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(farewell?: string): Promise<void> {
    clearTimeout(this.backstop);
    if (this.closing) {
      this.cutFarewellShort();
      return this.closing;
    }
    const shown = farewell && this.options.farewellMs > 0 ? this.showFarewell(farewell) : Promise.resolve();
    this.closing = shown
      .then(() => this.context.close())
      .catch(() => {})
      .finally(() => {
        this.listeners.clear();
        this.options.onClosed();
      });
    return this.closing;
  }

  /** The message on every open window, for farewellMs from now (a frozen page that cannot show it is not waited for longer). */
  private async showFarewell(message: string): Promise<void> {
    // The session is over for its caller: what the pages do now is no event of theirs.
    this.listeners.clear();
    const cut = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.farewellMs);
      this.cutFarewellShort = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const url = farewellPageUrl(message);
    for (const page of this.context.pages()) void page.goto(url).catch(() => {});
    await cut;
  }

  private emit(event: BrowserSessionEvent) {
    for (const listener of this.listeners) listener(event);
  }
}

/** An http(s) page's origin; nothing for about:blank, data: and the like, whose storage is not the site's. */
function originOf(url: string): string | undefined {
  if (!/^https?:/.test(url)) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Playwright's cookie, reduced to the fields a captured state keeps. */
function toCookie({ name, value, domain, path, expires, httpOnly, secure, sameSite }: Cookie): Cookie {
  return { name, value, domain, path, expires, httpOnly, secure, sameSite };
}

function mergeItems(a: StorageItem[], b: StorageItem[]): StorageItem[] {
  const merged = new Map(a.map((item) => [item.name, item.value]));
  for (const item of b) merged.set(item.name, item.value);
  return [...merged].map(([name, value]) => ({ name, value }));
}
