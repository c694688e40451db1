import type { Page, Stagehand } from "@browserbasehq/stagehand";
import type { BrowserSessionEvent } from "../browser-adapter.ts";
import { withoutCredentials } from "../request-headers.ts";
import type { LiveViewTracker } from "./live-view.ts";
import type { DomStorageId, LocalStorageMirror } from "./local-storage-mirror.ts";

export type StagehandContext = Stagehand["context"];
type CdpSession = ReturnType<Page["getSessionForFrame"]>;

export interface WatchedPage {
  pageId: string;
  page: Page;
  lastUrl: string;
  /** False while a new tab waits for its live view: it is announced before anything is said about it. */
  announced: boolean;
  detach(): void;
}

export interface PageWatcherOptions {
  context: StagehandContext;
  pollIntervalMs: number;
  emit(event: BrowserSessionEvent): void;
  mirror: LocalStorageMirror;
  liveView: LiveViewTracker;
  /** The live view of a tab that just opened, from Browserbase. */
  viewOfNewTab(tab: { pageId: string; url: string }): Promise<string | null>;
}

export interface PageWatcher {
  /** Watches the tabs open now, without announcing them (the login page the session opened on). */
  adoptCurrentPages(): void;
  /** Starts polling: new and closed tabs, URL changes that no DevTools event reported. */
  start(): void;
  stop(): void;
  pages(): WatchedPage[];
  /** Origins any frame of the session has shown: where storage may have been left. */
  visitedOrigins(): string[];
}

/** Every so many ticks, a state-changed nobody asked for: cookies set by script leave no trace in DevTools. */
const RECHECK_EVERY_TICKS = 10;

/**
 * Stagehand pages emit no navigation events, so each tab is watched two ways: DevTools events on
 * the tab's own CDP session (navigations as they commit, responses, storage writes), and a poll of
 * `context.pages()` / `page.url()` that finds new and closed tabs and any URL change the events
 * missed. Events are what catch a page shown for a few milliseconds, like an SSO hop.
 */
export function createPageWatcher(options: PageWatcherOptions): PageWatcher {
  const { context, emit, mirror, liveView } = options;
  const watched = new Map<Page, WatchedPage>();
  const visited = new Set<string>();
  const visit = (url: string) => {
    if (!/^https?:/.test(url)) return;
    try {
      visited.add(new URL(url).origin);
    } catch {
      // Not a URL DevTools would report; nothing to remember.
    }
  };
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let dirty = false;
  let ticks = 0;

  function navigated(entry: WatchedPage, url: string) {
    if (!entry.announced || url === entry.lastUrl) return;
    entry.lastUrl = url;
    visit(url);
    dirty = true;
    emit({ type: "navigated", pageId: entry.pageId, url });
  }

  function storageItemSet({ storageId, key, newValue }: { storageId: DomStorageId; key: string; newValue: string }) {
    mirror.added(storageId, key, newValue);
    dirty = true;
  }

  function listen(entry: WatchedPage): void {
    const page = entry.page;
    /** What each request in flight asked, for its response's event (providers may narrow failure responses by them). */
    const requests = new Map<string, { method: string; headers: Record<string, string>; at?: number }>();
    const MAX_REQUESTS_IN_FLIGHT = 1_000;
    let session: CdpSession;
    try {
      session = page.getSessionForFrame(page.mainFrameId());
    } catch {
      return;
    }
    const handlers: Record<string, (params: never) => void> = {
      "Page.frameNavigated": ({ frame }: { frame: { parentId?: string; url: string; urlFragment?: string } }) => {
        visit(frame.url);
        if (!frame.parentId) navigated(entry, frame.url + (frame.urlFragment ?? ""));
      },
      "Page.navigatedWithinDocument": ({ frameId, url }: { frameId: string; url: string }) => {
        if (frameId === page.mainFrameId()) navigated(entry, url);
      },
      "Network.responseReceived": ({
        requestId,
        response,
      }: {
        requestId: string;
        response: { url: string; status: number };
      }) => {
        dirty = true;
        const request = requests.get(requestId);
        requests.delete(requestId);
        if (entry.announced)
          emit({
            type: "response",
            pageId: entry.pageId,
            url: response.url,
            status: response.status,
            ...(request ? { method: request.method, requestHeaders: request.headers, requestedAt: request.at } : {}),
          });
      },
      // A redirect's response arrives only inside the next request.
      "Network.requestWillBeSent": ({
        requestId,
        request,
        wallTime,
        redirectResponse,
      }: {
        requestId: string;
        request: { method: string; headers: Record<string, string> };
        wallTime?: number;
        redirectResponse?: { url: string; status: number };
      }) => {
        const asked = requests.get(requestId);
        if (requests.size < MAX_REQUESTS_IN_FLIGHT || requests.has(requestId))
          requests.set(requestId, {
            method: request.method,
            headers: withoutCredentials(request.headers),
            at: wallTime ? wallTime * 1000 : undefined,
          });
        if (!redirectResponse) return;
        dirty = true;
        if (entry.announced)
          emit({
            type: "response",
            pageId: entry.pageId,
            url: redirectResponse.url,
            status: redirectResponse.status,
            ...(asked ? { method: asked.method, requestHeaders: asked.headers, requestedAt: asked.at } : {}),
          });
      },
      "Network.loadingFailed": ({ requestId }: { requestId: string }) => void requests.delete(requestId),
      // An update carries the whole new value: the mirror takes it as it takes a new item.
      "DOMStorage.domStorageItemAdded": storageItemSet,
      "DOMStorage.domStorageItemUpdated": storageItemSet,
      "DOMStorage.domStorageItemRemoved": ({ storageId, key }: { storageId: DomStorageId; key: string }) => {
        mirror.removed(storageId, key);
        dirty = true;
      },
      "DOMStorage.domStorageItemsCleared": ({ storageId }: { storageId: DomStorageId }) => {
        mirror.cleared(storageId);
        dirty = true;
      },
    };
    for (const [event, handler] of Object.entries(handlers)) session.on(event, handler as (params: unknown) => void);
    // Stagehand enables Page and Network on every tab; storage events are ours to ask for.
    void session.send("DOMStorage.enable").catch(() => {});
    entry.detach = () => {
      for (const [event, handler] of Object.entries(handlers)) session.off(event, handler as (params: unknown) => void);
    };
  }

  function adopt(page: Page, announce: boolean): void {
    const entry: WatchedPage = {
      pageId: page.targetId(),
      page,
      lastUrl: page.url(),
      announced: !announce,
      detach: () => {},
    };
    watched.set(page, entry);
    listen(entry);
    if (!announce) return;
    void options
      .viewOfNewTab({ pageId: entry.pageId, url: page.url() })
      .catch(() => null)
      .then((view) => {
        if (stopped || watched.get(page) !== entry) return;
        liveView.tabOpened(entry.pageId, view);
        entry.lastUrl = page.url();
        entry.announced = true;
        emit({ type: "page-opened", pageId: entry.pageId, url: entry.lastUrl, liveViewUrl: view });
      });
  }

  function tick(): void {
    const open = new Set(context.pages());
    for (const [page, entry] of watched) {
      if (open.has(page)) continue;
      watched.delete(page);
      entry.detach();
      liveView.tabClosed(entry.pageId);
      dirty = true;
      if (entry.announced) emit({ type: "page-closed", pageId: entry.pageId });
    }
    for (const page of open) if (!watched.has(page)) adopt(page, true);
    for (const entry of watched.values()) navigated(entry, entry.page.url());
    ticks += 1;
    if (dirty || ticks % RECHECK_EVERY_TICKS === 0) {
      dirty = false;
      emit({ type: "state-changed" });
    }
  }

  return {
    adoptCurrentPages() {
      for (const page of context.pages()) if (!watched.has(page)) adopt(page, false);
    },
    start() {
      if (timer || stopped) return;
      for (const entry of watched.values()) entry.lastUrl = entry.page.url();
      timer = setInterval(() => {
        try {
          tick();
        } catch {
          // A tab closing under our feet: the next tick sees the settled state.
        }
      }, options.pollIntervalMs);
      timer.unref();
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const entry of watched.values()) entry.detach();
    },
    pages: () => [...watched.values()],
    visitedOrigins: () => [...visited],
  };
}
