import type { BrowserSessionEvent } from "../browser/browser-adapter.ts";
import type { DevToolsChannel, LiveViewSource } from "../browser/live-view-source.ts";
import { createFramePacer } from "./frame-pacer.ts";
import { dispatchInput } from "./input-dispatch.ts";
import type { PixelBudget } from "./pixel-budget.ts";
import type { ViewerMessage, WorkerMessage } from "./viewer-messages.ts";
import { clampViewport, DEFAULT_VIEWPORT, type Viewport } from "./viewport.ts";

export interface TabStreamOptions {
  source: LiveViewSource;
  /** The session's events: a new tab is followed at once, a closed one returns to the one seen before. */
  onSessionEvent(listener: (event: BrowserSessionEvent) => void): () => void;
  /** JSON messages and binary JPEG frames for this one viewer. */
  send(message: WorkerMessage | Buffer): void;
  quality: number;
  /** False for a view-only link: it watches at the size the controlling viewer set, and sets none itself. */
  control: boolean;
  /** The worker's pixels per frame, shared among its controlling viewers (pixel-budget.ts); none: each gets its own ratio. */
  pixelBudget?: PixelBudget;
}

export interface TabStream {
  receive(message: ViewerMessage): void;
  close(): Promise<void>;
}

interface Shown {
  pageId: string;
  channel: DevToolsChannel;
}

/**
 * One viewer's stream of a session: a DevTools screencast of the tab on screen, the viewer's input
 * into it, the tab list. Frames are paced by the viewer's own acks (frame-pacer.ts): a slow viewer
 * gets fewer frames and nothing queues up anywhere.
 */
export function startTabStream(options: TabStreamOptions): TabStream {
  const { source, send } = options;
  let shown: Shown | undefined;
  let viewport: Viewport = DEFAULT_VIEWPORT;
  let frameSize = "";
  const pacer = createFramePacer((frame) => {
    const size = `${frame.width}x${frame.height}`;
    if (size !== frameSize) {
      frameSize = size;
      send({ t: "frame-size", width: frame.width, height: frame.height });
    }
    send(frame.jpeg);
  });
  let closed = false;
  /** Tabs in the order the viewer saw them: closing one returns to the latest still open. */
  const history: string[] = [];
  // Switching tabs and resizing talk to Chromium in several steps: one at a time, in order.
  let chain: Promise<unknown> = Promise.resolve();
  const serially = (step: () => Promise<unknown>) => (chain = chain.then(step).catch(() => {}));
  const budget = options.control
    ? options.pixelBudget?.join(() => serially(async () => shown && (await startScreencast(shown))))
    : undefined;

  async function sendTabs() {
    const tabs = await source.tabs().catch(() => []);
    if (!closed) send({ t: "tabs", current: shown?.pageId, tabs });
  }

  async function hide() {
    const old = shown;
    shown = undefined;
    if (!old) return;
    await old.channel.send("Page.stopScreencast").catch(() => {});
    await old.channel.detach();
  }

  /** The ratio frames are made at: the viewer's, or lower while the worker's pixel budget is shared by many. */
  const ratio = () => budget?.ratio() ?? viewport.dpr;

  async function applySize(target: Shown) {
    if (!options.control) return;
    const { width, height } = viewport;
    const dpr = ratio();
    // The adapter sizes the tab's window where it can; a size the page only emulates could be noticed.
    const placed = source.placeWindow
      ? await source.placeWindow(target.channel, { width, height, devicePixelRatio: dpr })
      : { fitted: false as const, deviceScaleFactor: dpr };
    if (placed.fitted) {
      await target.channel.send("Emulation.clearDeviceMetricsOverride");
      return;
    }
    await target.channel.send("Emulation.setDeviceMetricsOverride", {
      width,
      height,
      deviceScaleFactor: placed.deviceScaleFactor,
      mobile: false,
    });
  }

  async function startScreencast(target: Shown) {
    const { width, height } = viewport;
    const dpr = ratio();
    await applySize(target);
    await target.channel.send("Page.stopScreencast").catch(() => {});
    const bound = options.control ? { maxWidth: Math.round(width * dpr), maxHeight: Math.round(height * dpr) } : {};
    await target.channel.send("Page.startScreencast", { format: "jpeg", quality: options.quality, ...bound });
  }

  async function show(pageId: string): Promise<boolean> {
    if (closed) return false;
    if (shown?.pageId === pageId) return true;
    await hide();
    const channel = await source.connect(pageId);
    if (!channel) return false;
    if (closed) {
      await channel.detach();
      return false;
    }
    const target: Shown = { pageId, channel };
    shown = target;
    pacer.dropWaiting();
    channel.on(
      "Page.screencastFrame",
      ({
        data,
        metadata,
        sessionId,
      }: {
        data: string;
        metadata: { deviceWidth: number; deviceHeight: number };
        sessionId: number;
      }) => {
        // Acknowledged at once, so that Chromium never drops a frame (see frame-pacer.ts).
        void channel.send("Page.screencastFrameAck", { sessionId }).catch(() => {});
        if (closed || shown !== target) return;
        pacer.offer({
          jpeg: Buffer.from(data, "base64"),
          width: Math.round(metadata.deviceWidth),
          height: Math.round(metadata.deviceHeight),
        });
      },
    );
    channel.on("Page.loadEventFired", () => void sendTabs());
    // Some navigations (a new document after a POST) drop the size override: put it back.
    channel.on("Page.frameNavigated", ({ frame }: { frame: { parentId?: string } }) => {
      if (!frame.parentId) serially(async () => shown === target && (await applySize(target)));
    });
    history.push(pageId);
    try {
      await channel.send("Page.enable");
      // Headless Chromium paints only the tab in front.
      await channel.send("Page.bringToFront");
      await startScreencast(target);
    } catch {
      // The tab closed while being shown: its page-closed event moves the view on.
    }
    await sendTabs();
    return true;
  }

  /** Back to the latest tab seen that is still open, else the oldest open one. */
  async function showPrevious() {
    const open = new Set((await source.tabs()).map((t) => t.pageId));
    for (let i = history.length - 1; i >= 0; i--) {
      if (open.has(history[i]!) && (await show(history[i]!))) return;
    }
    const [first] = open;
    if (first) await show(first);
    else await sendTabs();
  }

  const unsubscribe = options.onSessionEvent((event) => {
    if (event.type === "page-opened") serially(() => show(event.pageId));
    else if (event.type === "page-closed") {
      const idx = history.lastIndexOf(event.pageId);
      if (idx >= 0) history.splice(idx, 1);
      serially(() => (shown?.pageId === event.pageId ? hide().then(showPrevious) : sendTabs()));
    } else if (event.type === "navigated") void sendTabs();
  });

  serially(async () => {
    const tabs = await source.tabs();
    const latest = tabs.at(-1);
    if (latest) await show(latest.pageId);
  });

  return {
    receive(message) {
      if (closed) return;
      if (message.t === "ack") pacer.taken();
      else if (message.t === "viewport") {
        const next = clampViewport(message);
        if (next.width === viewport.width && next.height === viewport.height && next.dpr === viewport.dpr) return;
        viewport = next;
        budget?.want(next);
        serially(async () => shown && (await startScreencast(shown)));
      } else if (message.t === "tab") {
        serially(() => show(message.pageId));
      } else {
        const target = shown;
        // Input goes in order, but never waits behind a tab switch.
        if (!target) return;
        void dispatchInput(target.channel, message).then(
          (copied) => typeof copied === "string" && !closed && send({ t: "clipboard", text: copied }),
          () => {},
        );
      }
    },
    async close() {
      closed = true;
      budget?.leave();
      unsubscribe();
      await chain;
      await hide();
    },
  };
}
