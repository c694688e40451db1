import { randomBytes } from "node:crypto";
import type { BrowserSession } from "../../browser/browser-adapter.ts";
import type { DevToolsChannel } from "../../browser/live-view-source.ts";

/**
 * One tab of a session as the worker reads and drives it through DevTools: a channel of its own and
 * an isolated world (a JavaScript world beside the page's, sharing its DOM but not its globals), so
 * that reading the page (is this element shown, does the text say…) leaves nothing the page's
 * scripts can see: no main-world evaluate, no binding or global of ours in the page's world, no
 * `Runtime.enable` (which changes how the console serialises, a known automation tell).
 */
export interface DevToolsTab {
  readonly pageId: string;
  readonly channel: DevToolsChannel;
  /** The world's name: the same in every frame and document of the session (scripts added for new documents use it). */
  readonly worldName: string;
  /** The isolated world's execution context in a frame (the main frame by default), made when first asked for. */
  contextOf(frameId?: string): Promise<number>;
  /** Evaluates in the isolated world of the main frame; the value must be JSON. Throws when the tab cannot answer. */
  evaluate<T>(expression: string): Promise<T>;
  /** Calls `listener` with each frame that shows a new document (main frame included). */
  onFrameNavigated(listener: (frameId: string, isMainFrame: boolean) => void): void;
}

export interface PageDevTools {
  /** The tab's DevTools, opened on first use; undefined when the tab is gone or the adapter has no DevTools for it. */
  tab(pageId: string): Promise<DevToolsTab | undefined>;
  /** Whether the browser gives DevTools access at all (an adapter without it: every tab is undefined). */
  readonly available: boolean;
  /** Detaches every channel. */
  close(): Promise<void>;
}

const CONTEXT_GONE = /Cannot find context|context with specified id|Execution context was destroyed/i;

/** The DevTools of a session's tabs, each opened once and shared by whoever reads or types in it. */
export function createPageDevTools(session: BrowserSession): PageDevTools {
  const worldName = `w${randomBytes(8).toString("hex")}`;
  const tabs = new Map<string, Promise<DevToolsTab | undefined>>();
  let closed = false;
  const unsubscribe = session.onEvent((event) => {
    if (event.type !== "page-closed") return;
    const tab = tabs.get(event.pageId);
    tabs.delete(event.pageId);
    void tab?.then((t) => t?.channel.detach()).catch(() => {});
  });

  async function open(pageId: string): Promise<DevToolsTab | undefined> {
    const channel = await session.devTools?.(pageId).catch(() => undefined);
    if (!channel) return undefined;
    if (closed) {
      await channel.detach();
      return undefined;
    }
    try {
      // Page events (navigations) and scripts for new documents need the Page domain on this connection.
      await channel.send("Page.enable");
      const tree = (await channel.send("Page.getFrameTree")) as { frameTree: { frame: { id: string } } };
      const mainFrameId = tree.frameTree.frame.id;
      const contexts = new Map<string, Promise<number>>();
      const navigatedListeners: ((frameId: string, isMainFrame: boolean) => void)[] = [];
      channel.on("Page.frameNavigated", ({ frame }: { frame: { id: string; parentId?: string } }) => {
        contexts.delete(frame.id);
        for (const listener of navigatedListeners) listener(frame.id, !frame.parentId);
      });
      channel.on("Page.frameDetached", ({ frameId }: { frameId: string }) => contexts.delete(frameId));
      const contextOf = (frameId = mainFrameId) => {
        let context = contexts.get(frameId);
        if (!context) {
          context = channel
            .send("Page.createIsolatedWorld", { frameId, worldName })
            .then((r) => (r as { executionContextId: number }).executionContextId);
          context.catch(() => contexts.delete(frameId));
          contexts.set(frameId, context);
        }
        return context;
      };
      const evaluateOnce = async <T>(expression: string): Promise<T> => {
        const answer = (await channel.send("Runtime.evaluate", {
          expression,
          contextId: await contextOf(),
          returnByValue: true,
          // Nothing of ours in the page's console or its debugger.
          silent: true,
        })) as { result: { value?: unknown }; exceptionDetails?: unknown };
        if (answer.exceptionDetails) throw new Error("the read failed in the page");
        return answer.result.value as T;
      };
      return {
        pageId,
        channel,
        worldName,
        contextOf,
        async evaluate<T>(expression: string) {
          try {
            return await evaluateOnce<T>(expression);
          } catch (error) {
            // The document changed since the world was made: make it again in the new one, once.
            if (!CONTEXT_GONE.test((error as Error).message)) throw error;
            contexts.delete(mainFrameId);
            return evaluateOnce<T>(expression);
          }
        },
        onFrameNavigated: (listener) => void navigatedListeners.push(listener),
      };
    } catch {
      await channel.detach();
      return undefined;
    }
  }

  return {
    available: typeof session.devTools === "function",
    tab(pageId) {
      if (closed) return Promise.resolve(undefined);
      let tab = tabs.get(pageId);
      if (!tab) {
        tab = open(pageId);
        tabs.set(pageId, tab);
        // A tab that could not be opened (closing, not ready yet) is asked again next time.
        void tab.then((t) => {
          if (!t && tabs.get(pageId) === tab) tabs.delete(pageId);
        });
      }
      return tab;
    },
    async close() {
      closed = true;
      unsubscribe();
      const open = [...tabs.values()];
      tabs.clear();
      // Not waited for: a tab whose page hangs (a frozen main thread) may never finish opening; it is detached when it does.
      for (const tab of open) void tab.then((t) => t?.channel.detach()).catch(() => {});
    },
  };
}
