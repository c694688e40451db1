import type {
  BrowserSession,
  BrowserSessionEvent,
  CaptureOptions,
  PageSnapshot,
  StorageArea,
  StorageValue,
} from "../../src/browser/browser-adapter.ts";
import { filterByOrigins } from "../../src/browser/capture-filter.ts";
import type { CapturedState, Cookie, OriginState } from "../../src/credentials/captured-state.ts";

/**
 * A BrowserSession with no browser behind it, for fast tests of what the worker does with one:
 * the test moves its pages, sets cookies and storage, and emits responses, the way a site would.
 */
export interface FakeBrowserSession extends BrowserSession {
  /** A page shows `url` now (a new page when `pageId` is unknown); emits `navigated`. */
  navigate(url: string, pageId?: string): void;
  /** Sets a cookie as the site would (HttpOnly unless told otherwise): no event (the watcher polls cookies). */
  setCookie(name: string, value: string, domain?: string, options?: { httpOnly?: boolean }): void;
  /** Writes storage of `origin`; emits `state-changed` as DevTools storage events do. */
  setStorage(area: StorageArea, origin: string, key: string, value: string): void;
  /** A page got a response; emits `response`. */
  respond(url: string, status: number, pageId?: string): void;
  emit(event: BrowserSessionEvent): void;
  /** How many listeners are subscribed now. */
  listenerCount(): number;
  closed(): boolean;
}

export function createFakeBrowserSession(loginUrl: string): FakeBrowserSession {
  const pages = new Map<string, string>([["page-1", loginUrl]]);
  const cookies = new Map<string, Cookie>();
  const storage = new Map<string, Map<string, string>>(); // `${area} ${origin}` → key → value
  const listeners = new Set<(event: BrowserSessionEvent) => void>();
  let isClosed = false;

  const emit = (event: BrowserSessionEvent) => {
    for (const listener of [...listeners]) listener(event);
  };
  const items = (area: StorageArea, origin: string) =>
    [...(storage.get(`${area} ${origin}`) ?? new Map<string, string>())].map(([name, value]) => ({ name, value }));

  return {
    sessionId: "fake",
    liveViewUrl: () => null,
    pages: (): PageSnapshot[] => [...pages].map(([pageId, url]) => ({ pageId, url })),
    cookies: async () => [...cookies.values()].map((c) => ({ ...c })),
    async readStorage(area, key): Promise<StorageValue[]> {
      const values: StorageValue[] = [];
      for (const [where, entries] of storage) {
        const [a, origin] = where.split(" ");
        if (a === area && entries.has(key)) values.push({ origin: origin!, value: entries.get(key)! });
      }
      return values;
    },
    async capture(options: CaptureOptions): Promise<CapturedState> {
      const origins = new Set([...storage.keys()].map((where) => where.split(" ")[1]!));
      const state: CapturedState = {
        cookies: [...cookies.values()].map((c) => ({ ...c })),
        origins: [...origins].map(
          (origin): OriginState => ({
            origin,
            localStorage: items("localStorage", origin),
            sessionStorage: items("sessionStorage", origin),
          }),
        ),
      };
      return filterByOrigins(state, options.origins);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      isClosed = true;
      listeners.clear();
    },
    navigate(url, pageId = "page-1") {
      const opened = !pages.has(pageId);
      pages.set(pageId, url);
      if (opened) emit({ type: "page-opened", pageId, url, liveViewUrl: null });
      emit({ type: "navigated", pageId, url });
    },
    setCookie(name, value, domain = new URL(loginUrl).hostname, { httpOnly = true } = {}) {
      cookies.set(`${name} ${domain}`, {
        name,
        value,
        domain,
        path: "/",
        expires: -1,
        httpOnly,
        secure: false,
        sameSite: "Lax",
      });
    },
    setStorage(area, origin, key, value) {
      const where = `${area} ${origin}`;
      if (!storage.has(where)) storage.set(where, new Map());
      storage.get(where)!.set(key, value);
      emit({ type: "state-changed" });
    },
    respond(url, status, pageId = "page-1") {
      emit({ type: "response", pageId, url, status });
    },
    emit,
    listenerCount: () => listeners.size,
    closed: () => isClosed,
  };
}
