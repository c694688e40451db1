import type { SessionLiveUrls } from "./browserbase-api.ts";

/**
 * Browserbase's live view shows one tab. The person logging in must follow the login into a popup,
 * so the view offered is the most recently opened tab still open, and the first tab's otherwise.
 */
export interface LiveViewTracker {
  current(): string | null;
  tabOpened(pageId: string, view: string | null): void;
  tabClosed(pageId: string): void;
}

export function createLiveViewTracker(firstTabView: string | null): LiveViewTracker {
  const opened: Array<{ pageId: string; view: string }> = [];
  return {
    current: () => opened.at(-1)?.view ?? firstTabView,
    tabOpened(pageId, view) {
      if (view) opened.push({ pageId, view });
    },
    tabClosed(pageId) {
      const index = opened.findIndex((tab) => tab.pageId === pageId);
      if (index >= 0) opened.splice(index, 1);
    },
  };
}

/** The embeddable view: Browserbase's own navigation bar hidden, as the person only needs the page. */
export function embeddableView(url: string | undefined | null): string | null {
  if (!url) return null;
  return `${url}${url.includes("?") ? "&" : "?"}navbar=false`;
}

/**
 * The view of one tab, from `sessions.debug()`. Browserbase lists tabs by DevTools target id, which
 * is also Stagehand's page id; the URL is the fallback for a listing that uses other ids.
 */
export function tabView(urls: SessionLiveUrls, tab: { pageId: string; url: string }): string | null {
  const pages = urls.pages ?? [];
  const byId = pages.find((p) => p.id === tab.pageId);
  if (byId) return embeddableView(byId.debuggerFullscreenUrl);
  const byUrl = pages.filter((p) => p.url === tab.url);
  // Two tabs on the same URL cannot be told apart: the newest one is listed first by DevTools.
  return byUrl.length > 0 ? embeddableView(byUrl[0]!.debuggerFullscreenUrl) : null;
}
