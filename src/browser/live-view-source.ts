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
   * Readies the tab's window for frames at a viewer's pixel ratio and answers the ratio to emulate
   * (frames are then scaled down to the viewer's with the screencast's size bound). Absent where
   * the page's emulated ratio is what frames come at.
   */
  placeForRatio?(channel: DevToolsChannel, devicePixelRatio: number): Promise<number>;
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
