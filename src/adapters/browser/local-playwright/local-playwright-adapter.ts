import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from "playwright-core";
import {
  BrowserAdapterError,
  type BrowserAdapter,
  type BrowserSession,
  type BrowserSessionEvent,
  type CaptureOptions,
  type OpenSessionRequest,
  type PageSnapshot,
  type StorageArea,
  type StorageValue,
} from "../browser-adapter.js";
import type { CapturedState, Cookie, OriginState, StorageItem } from "../../../credentials/captured-state.js";
import { startEgressProxy } from "../../../network/egress-proxy.js";
import { filterByOrigins } from "../capture-filter.js";
import { AbortedByCaller, withDeadline } from "../deadline.js";
import { createScrubber } from "../secret-scrubber.js";
import { CHROMIUM_ARGS, findChromium } from "./chromium-path.js";
import { localLiveViewSource } from "./local-live-view.js";

export interface LocalPlaywrightOptions {
  /** A Chromium binary; found on the usual Debian paths when absent. */
  executablePath?: string;
  headless: boolean;
  /** Open Chromium's DevTools port on loopback, so that a script (tests, the demo) can act as the user. */
  remoteDebuggingPort?: number;
  /** Contexts prepared ahead of jobs, so that a session starts without waiting for one. */
  spareContexts?: number;
  navigationTimeoutMs?: number;
}

/** Past the session's own time, how long before the adapter closes it: the caller's timeout should act first. */
const TIMEOUT_GRACE_MS = 5_000;

/** setTimeout fires at once for longer delays. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Browser messages quote the URL that failed, and tokens travel in its query and fragment. */
const scrub = createScrubber();

interface Spare {
  context: BrowserContext;
  page: Page;
}

/**
 * One Chromium process per worker, one fresh browser context per login session: sessions share
 * the process but no cookie, storage or cache.
 */
export function createLocalPlaywrightAdapter(options: LocalPlaywrightOptions): BrowserAdapter {
  const executablePath = findChromium(options.executablePath);
  const spareTarget = options.spareContexts ?? 1;
  let browser: Promise<Browser> | undefined;
  let closed = false;
  const spares: Promise<Spare | undefined>[] = [];
  const sessions = new Set<LocalSession>();

  function launch(): Promise<Browser> {
    if (closed) return Promise.reject(adapterClosed());
    if (!browser) {
      const args = [...CHROMIUM_ARGS];
      if (options.remoteDebuggingPort !== undefined) {
        args.push(`--remote-debugging-port=${options.remoteDebuggingPort}`, "--remote-debugging-address=127.0.0.1");
      }
      const launching = chromium.launch({
        executablePath,
        headless: options.headless,
        args,
        // The service stops the browser itself, after its sessions, and SIGHUP reloads providers:
        // Playwright's own handlers would close the browser under running sessions.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      }).catch((error: Error) => {
        browser = undefined;
        throw new BrowserAdapterError("browser_launch_failed", `Chromium did not start: ${firstLine(error.message)}`);
      });
      browser = launching;
      void launching
        .then((b) =>
          b.on("disconnected", () => {
            if (browser === launching) browser = undefined;
            spares.length = 0;
            for (const session of sessions) session.lostBrowser();
          }),
        )
        .catch(() => {});
    }
    return browser;
  }

  /** A context; with `egress`, one whose every request goes through its own egress proxy, closed with it. */
  async function newContext(egress?: OpenSessionRequest["egress"]): Promise<Spare> {
    const proxy = egress ? await startEgressProxy(egress.policy, egress.onBlocked) : undefined;
    try {
      const context = await (await launch()).newContext({
        viewport: options.headless ? { width: 1280, height: 800 } : null,
        // Chromium sends loopback hosts around a proxy unless told `<-loopback>`: they must go through it too.
        ...(proxy ? { proxy: { server: proxy.server, bypass: "<-loopback>" } } : {}),
      });
      if (proxy) context.on("close", () => void proxy.close());
      const page = await context.newPage();
      return { context, page };
    } catch (error) {
      await proxy?.close();
      throw error;
    }
  }

  function refillSpares() {
    while (!closed && spares.length < spareTarget) {
      spares.push(newContext().catch(() => undefined));
    }
  }

  async function takeContext(): Promise<Spare> {
    while (spares.length > 0) {
      const spare = await spares.shift()!;
      if (spare && spare.context.browser()?.isConnected()) return spare;
    }
    return newContext();
  }

  return {
    kind: "local",
    async warmUp() {
      await launch();
      refillSpares();
      await Promise.all(spares);
    },
    async openSession(request: OpenSessionRequest) {
      const { signal } = request;
      if (closed) throw adapterClosed();
      if (signal?.aborted) throw openAborted();
      // A context is usually ready (a spare); when one must be made, the caller need not wait for it.
      const { context, page } = await withDeadline(request.egress ? newContext(request.egress) : takeContext(), {
        what: "Preparing a browser context",
        signal,
        abandon: (late) => void late.then((spare) => spare.context.close()).catch(() => {}),
      }).catch((error) => {
        throw error instanceof AbortedByCaller ? openAborted() : error;
      });
      const session = new LocalSession(request.sessionId, context, request.timeoutMs + TIMEOUT_GRACE_MS, () => sessions.delete(session));
      sessions.add(session);
      // Closing the context ends the navigation below at once, whatever stage it is at.
      const onAbort = () => void session.close();
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        if (signal?.aborted || closed) throw new Error("given up");
        await session.attach(page);
        context.on("page", (p) => void session.attach(p));
        await page.goto(request.loginUrl, { waitUntil: "load", timeout: options.navigationTimeoutMs ?? 30_000 });
        if (signal?.aborted || closed) throw new Error("given up");
      } catch (error) {
        await session.close();
        if (signal?.aborted) throw openAborted();
        if (closed) throw adapterClosed();
        throw new BrowserAdapterError("login_page_unreachable", `The login page did not load: ${scrub(firstLine((error as Error).message))}`);
      } finally {
        signal?.removeEventListener("abort", onAbort);
        // Only now: a spare made while the login page loads competes with it for the CPU, and on two
        // cores that tripled the time to a usable login page (npm run bench, figure 1).
        refillSpares();
      }
      return session;
    },
    openSessions: () => sessions.size,
    async close() {
      closed = true;
      await Promise.all([...sessions].map((s) => s.close()));
      const pending = browser;
      browser = undefined;
      if (pending) await pending.then((b) => b.close()).catch(() => {});
    },
  };
}

class LocalSession implements BrowserSession {
  private readonly listeners = new Set<(event: BrowserSessionEvent) => void>();
  private readonly pageIds = new WeakMap<Page, string>();
  private readonly cdp = new WeakMap<Page, CDPSession>();
  private nextPageId = 1;
  private closing: Promise<void> | undefined;
  private readonly backstop: NodeJS.Timeout;

  constructor(
    readonly sessionId: string,
    private readonly context: BrowserContext,
    lifetimeMs: number,
    private readonly onClosed: () => void,
  ) {
    // A caller that never closes must not keep a tab forever; the timer alone must not keep the process up.
    this.backstop = setTimeout(() => {
      this.emit({ type: "disconnected", code: "session_timeout", message: "The browser session reached its time limit and was closed" });
      void this.close();
    }, Math.min(lifetimeMs, MAX_TIMER_MS)).unref();
  }

  liveViewUrl(): string | null {
    return null;
  }

  liveViewSource() {
    return localLiveViewSource(this.context, (page) => this.pageIds.get(page));
  }

  async attach(page: Page): Promise<void> {
    if (this.pageIds.has(page)) return;
    const pageId = `page-${this.nextPageId++}`;
    this.pageIds.set(page, pageId);
    page.on("framenavigated", (frame) => {
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
      for (const event of ["domStorageItemAdded", "domStorageItemUpdated", "domStorageItemRemoved", "domStorageItemsCleared"] as const) {
        cdp.on(`DOMStorage.${event}`, changed);
      }
      await cdp.send("DOMStorage.enable");
    } catch {
      // The page closed while being attached.
    }
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
    const values = await Promise.all(
      this.context.pages().map((page) =>
        page
          .evaluate(([a, k]) => ({ origin: location.origin, value: window[a as StorageArea].getItem(k) }), [area, key] as const)
          .catch(() => ({ origin: "", value: null })),
      ),
    );
    return values.filter((v): v is StorageValue => v.value !== null);
  }

  async capture(options: CaptureOptions): Promise<CapturedState> {
    const [state, sessionStorages] = await Promise.all([
      this.context.storageState({ indexedDB: options.indexedDB ?? false }),
      Promise.all(this.context.pages().map((page) => readSessionStorage(page))),
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

  onEvent(listener: (event: BrowserSessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    clearTimeout(this.backstop);
    this.closing ??= this.context
      .close()
      .catch(() => {})
      .finally(() => {
        this.listeners.clear();
        this.onClosed();
      });
    return this.closing;
  }

  private emit(event: BrowserSessionEvent) {
    for (const listener of this.listeners) listener(event);
  }
}

/** sessionStorage of every frame of a page: it lives in the tab, so it is read where it is. */
async function readSessionStorage(page: Page): Promise<{ origin: string; items: StorageItem[] }[]> {
  const frames = page.frames();
  const entries = await Promise.all(
    frames.map((frame) =>
      frame
        .evaluate(() => ({
          origin: location.origin,
          items: Object.keys(sessionStorage).map((name) => ({ name, value: sessionStorage.getItem(name) ?? "" })),
        }))
        .catch(() => undefined),
    ),
  );
  return entries.filter((e): e is { origin: string; items: StorageItem[] } => !!e && e.origin !== "null" && e.items.length > 0);
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

function openAborted(): BrowserAdapterError {
  return new BrowserAdapterError("open_aborted", "Opening the browser session was given up by the worker; nothing was kept open.");
}

function adapterClosed(): BrowserAdapterError {
  return new BrowserAdapterError("adapter_closed", "The browser adapter is shut down");
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
