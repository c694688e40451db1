/**
 * What a self-hosted live view needs from a browser session: its tabs, and a DevTools connection of
 * its own to one of them (screencast frames go only to the connection that started the screencast,
 * so each viewer gets its own). Offered by adapters whose browser runs on this machine (local
 * Playwright); remote adapters have their vendor's live view instead (BrowserSession.liveViewUrl).
 */
export interface LiveViewSource {
  /** Open tabs, oldest first. Titles are read from the pages; a closing tab may be left out. */
  tabs(): Promise<LiveViewTab[]>;
  /** A new DevTools connection to the tab, or undefined when it is gone. The caller detaches it. */
  connect(pageId: string): Promise<DevToolsChannel | undefined>;
  /**
   * Readies the tab's window for a viewer: on a screen of the viewer's pixel ratio (frames come at
   * the ratio of the window's screen) and, where it can, at the viewer's size (CSS pixels). Answers
   * `fitted` when the page is now exactly that size at that ratio by itself: a size the page emulates
   * without its window having it shows (the page is wider than its window, the screen loses its
   * taskbar), so the live view then sets none. Otherwise it answers the ratio to emulate (frames are
   * scaled down to the viewer's with the screencast's size bound). Absent where the page's emulated
   * ratio is what frames come at (windows on a display).
   */
  placeWindow?(
    channel: DevToolsChannel,
    viewport: { width: number; height: number; devicePixelRatio: number },
  ): Promise<{ fitted: true } | { fitted: false; deviceScaleFactor: number }>;
}

export interface LiveViewTab {
  pageId: string;
  url: string;
  title: string;
}

/** A DevTools (CDP) session on one tab, with nothing of Playwright showing. */
export interface DevToolsChannel {
  send(method: string, params?: Record<string, unknown>): Promise<unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: each DevTools event has its own shape; a listener declares the one it expects
  on(event: string, listener: (params: any) => void): void;
  detach(): Promise<void>;
}
