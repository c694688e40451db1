import type { Page, Stagehand } from "@browserbasehq/stagehand";
import { waitAtMost } from "../../core/deadline.ts";
import type { CapturedState, Cookie, OriginState } from "../../credentials/captured-state.ts";
import type {
  BrowserSession,
  BrowserSessionEvent,
  CaptureOptions,
  PageSnapshot,
  StorageArea,
  StorageValue,
} from "../browser-adapter.ts";
import { filterByOrigins } from "../capture-filter.ts";
import type { DevToolsChannel } from "../live-view-source.ts";
import { fillStorageFromSeed, seedRejected, storageSeedOf } from "../storage-seed.ts";
import type { BrowserbaseApi } from "./browserbase-api.ts";
import { BROWSERBASE_ERROR_CODES } from "./browserbase-errors.ts";
import { readLocalStorageInHiddenTab } from "./hidden-tab-storage-reader.ts";
import { createLiveViewTracker, type LiveViewTracker, tabView } from "./live-view.ts";
import { createLocalStorageMirror } from "./local-storage-mirror.ts";
import { readFrameStorage, readStorageValue } from "./page-storage.ts";
import { createPageWatcher, type PageWatcher, type StagehandContext } from "./page-watcher.ts";

export interface BrowserbaseSessionParts {
  sessionId: string;
  browserbaseSessionId: string;
  stagehand: Stagehand;
  api: BrowserbaseApi;
  /** The session-level live view (the first tab), navbar already hidden. */
  firstTabView: string | null;
  pollIntervalMs: number;
  heartbeatIntervalMs: number;
  onClosed(): void;
}

const STAGEHAND_CLOSE_TIMEOUT_MS = 5_000;

/**
 * One login session on one Browserbase browser. The remote browser is billed while it runs, so
 * every way out (close, a failed open, the adapter shutting down, the connection dropping) ends in
 * close(), which releases it.
 */
export class BrowserbaseSession implements BrowserSession {
  readonly sessionId: string;
  readonly browserbaseSessionId: string;
  private readonly listeners = new Set<(event: BrowserSessionEvent) => void>();
  private readonly context: StagehandContext;
  private readonly liveView: LiveViewTracker;
  private readonly mirror = createLocalStorageMirror();
  private readonly watcher: PageWatcher;
  private heartbeat: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private dropped = false;

  private readonly parts: BrowserbaseSessionParts;

  constructor(parts: BrowserbaseSessionParts) {
    this.parts = parts;
    this.sessionId = parts.sessionId;
    this.browserbaseSessionId = parts.browserbaseSessionId;
    this.context = parts.stagehand.context;
    this.liveView = createLiveViewTracker(parts.firstTabView);
    this.watcher = createPageWatcher({
      context: this.context,
      pollIntervalMs: parts.pollIntervalMs,
      emit: (event) => this.emit(event),
      mirror: this.mirror,
      liveView: this.liveView,
      viewOfNewTab: (tab) => this.viewOfNewTab(tab),
    });
    this.context.conn.onTransportClosed(this.onTransportClosed);
    this.watcher.adoptCurrentPages();
  }

  /** Loads the login page in the first tab (logged in as `seed` when given), then starts watching. */
  async start(loginUrl: string, navigationTimeoutMs: number, seed?: CapturedState): Promise<void> {
    const page = this.watcher.pages()[0]?.page ?? (await this.context.awaitActivePage());
    this.watcher.adoptCurrentPages();
    if (seed) await this.seed(seed);
    await loadLoginPage(page, loginUrl, navigationTimeoutMs);
    this.watcher.start();
    // Browserbase drops a CDP connection idle for 10 minutes; a person reading a 2FA code is idle.
    this.heartbeat = setInterval(() => void this.ping(), this.parts.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  get disconnected(): boolean {
    return this.dropped;
  }

  liveViewUrl(): string | null {
    return this.liveView.current();
  }

  pages(): PageSnapshot[] {
    return this.watcher.pages().map((p) => ({ pageId: p.pageId, url: p.page.url() }));
  }

  /** The tab's own DevTools session (Stagehand's, shared): detaching removes only the listeners added through it. */
  async devTools(pageId: string): Promise<DevToolsChannel | undefined> {
    const page = this.watcher.pages().find((p) => p.pageId === pageId)?.page;
    if (!page) return undefined;
    const session = page.getSessionForFrame(page.mainFrameId());
    const added: [string, (params: unknown) => void][] = [];
    return {
      send: (method, params) => session.send(method, params),
      on(event, listener) {
        added.push([event, listener]);
        session.on(event, listener);
      },
      async detach() {
        for (const [event, listener] of added.splice(0)) session.off(event, listener);
      },
    };
  }

  async cookies(): Promise<Cookie[]> {
    const cookies = await this.context.cookies();
    return cookies.map(({ name, value, domain, path, expires, httpOnly, secure, sameSite }) => ({
      name,
      value,
      domain,
      path,
      expires,
      httpOnly,
      secure,
      sameSite: sameSite ?? "Lax",
    }));
  }

  readStorage(area: StorageArea, key: string): Promise<StorageValue[]> {
    return readStorageValue(this.openPages(), area, key);
  }

  async capture(options: CaptureOptions): Promise<CapturedState> {
    const [cookies, frames] = await Promise.all([this.cookies(), readFrameStorage(this.openPages())]);
    const origins = new Map<string, OriginState>();
    const entry = (origin: string) => {
      let o = origins.get(origin);
      if (!o) {
        o = { origin, localStorage: [], sessionStorage: [] };
        origins.set(origin, o);
      }
      return o;
    };
    // What a frame shows now beats what the events said earlier; origins no tab shows any more are
    // read in a hidden tab, and only when that fails does the event log stand in for them.
    const open = new Set(frames.map((f) => f.origin));
    for (const frame of frames) this.mirror.replace(frame.origin, frame.localStorage);
    const wanted = options.origins?.length ? new Set(options.origins.map((o) => new URL(o).origin)) : undefined;
    const gone = [...new Set([...this.watcher.visitedOrigins(), ...this.mirror.origins()])].filter(
      (origin) => !open.has(origin) && (!wanted || wanted.has(origin)),
    );
    for (const [origin, items] of await readLocalStorageInHiddenTab(this.context, gone))
      this.mirror.replace(origin, items);
    for (const origin of this.mirror.origins()) entry(origin).localStorage = this.mirror.items(origin);
    for (const frame of frames) {
      if (frame.sessionStorage.length === 0) continue;
      const o = entry(frame.origin);
      const merged = new Map(o.sessionStorage.map((i) => [i.name, i.value]));
      for (const item of frame.sessionStorage) merged.set(item.name, item.value);
      o.sessionStorage = [...merged].map(([name, value]) => ({ name, value }));
    }
    // IndexedDB is not captured on Browserbase (options.indexedDB is ignored): see docs/browserbase.md.
    return filterByOrigins({ cookies, origins: [...origins.values()] }, options.origins);
  }

  onEvent(listener: (event: BrowserSessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.watcher.stop();
      clearInterval(this.heartbeat);
      this.context.conn.offTransportClosed(this.onTransportClosed);
      await Promise.allSettled([
        closeWithin(this.parts.stagehand, STAGEHAND_CLOSE_TIMEOUT_MS),
        // Not left to the socket closing: a keep-alive session would run on until its timeout.
        this.parts.api.release(this.browserbaseSessionId),
      ]);
      this.listeners.clear();
      this.parts.onClosed();
    })();
    return this.closing;
  }

  private readonly onTransportClosed = () => {
    if (this.closing || this.dropped) return;
    this.dropped = true;
    this.watcher.stop();
    this.emit({
      type: "disconnected",
      code: BROWSERBASE_ERROR_CODES.disconnected,
      message: `The connection to the Browserbase browser (session ${this.browserbaseSessionId}) dropped: the login cannot go on. Start a new login session.`,
    });
    void this.close();
  };

  private openPages(): Page[] {
    return this.watcher.pages().map((p) => p.page);
  }

  private async viewOfNewTab(tab: { pageId: string; url: string }): Promise<string | null> {
    // Browserbase may list a tab a moment after DevTools reports it.
    for (let attempt = 0; attempt < 3; attempt++) {
      const urls = await this.parts.api
        .liveUrls(this.browserbaseSessionId, { timeoutMs: 5_000 })
        .catch(() => undefined);
      const view = urls && tabView(urls, tab);
      if (view) return view;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return null;
  }

  /** Cookies through DevTools' Storage domain; storage through an init script on every tab, before the site's own scripts. */
  private async seed(state: CapturedState): Promise<void> {
    if (state.cookies.length > 0) {
      await this.context.addCookies(state.cookies).catch(() => {
        throw seedRejected(state.cookies.length);
      });
    }
    const storage = storageSeedOf(state);
    if (Object.keys(storage).length > 0) await this.context.addInitScript(fillStorageFromSeed, storage);
  }

  private async ping(): Promise<void> {
    const page = this.openPages()[0];
    await page?.sendCDP("Runtime.evaluate", { expression: "0", returnByValue: true }).catch(() => {});
  }

  private emit(event: BrowserSessionEvent) {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own: the other listeners and the CDP dispatch go on.
      }
    }
  }
}

async function loadLoginPage(page: Page, loginUrl: string, timeoutMs: number): Promise<void> {
  // Stagehand's goto resolves on Chrome's error page instead of failing: the reason comes from DevTools.
  const session = page.getSessionForFrame(page.mainFrameId());
  let failure: string | undefined;
  const onFailed = (e: { type?: string; errorText?: string }) => {
    if (e.type === "Document" && e.errorText) failure ??= e.errorText;
  };
  session.on("Network.loadingFailed", onFailed);
  try {
    const response = await page.goto(loginUrl, { waitUntil: "load", timeoutMs });
    if (!response && (failure || page.url().startsWith("chrome-error:"))) {
      throw new Error(failure ?? "the browser showed its error page");
    }
  } finally {
    session.off("Network.loadingFailed", onFailed);
  }
}

function closeWithin(stagehand: Stagehand, ms: number): Promise<void> {
  return waitAtMost(stagehand.close(), ms);
}
