import type { BrowserSessionEvent } from "../browser/browser-adapter.ts";
import type { DevToolsChannel, LiveViewSource } from "../browser/live-view-source.ts";
import { createUploads } from "./file-upload.ts";
import { createFramePacer } from "./frame-pacer.ts";
import { dispatchInput } from "./input-dispatch.ts";
import { createInputQueue } from "./input-queue.ts";
import type { PixelBudget } from "./pixel-budget.ts";
import { VIEWER_LIMITS } from "./viewer-limits.ts";
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
  /** Bytes a person may upload to a file chooser at once (LIVE_VIEW_UPLOAD_MAX_MB). */
  uploadMaxBytes?: number;
}

export interface TabStream {
  receive(message: ViewerMessage): void;
  close(): Promise<void>;
}

interface Shown {
  pageId: string;
  channel: DevToolsChannel;
}

/** Native UI that holds its page until answered: the view goes to its tab, and input to the page waits. */
const BLOCKING = new Set(["dialog", "auth"]);

/**
 * One viewer's stream of a session: a DevTools screencast of the tab on screen, the viewer's input
 * into it, the tab list, and the native UI of the tab on screen (dialogs, lists, pickers, challenges,
 * file choosers), which the viewer shows and answers. Frames are paced by the viewer's own acks
 * (frame-pacer.ts): a slow viewer gets fewer frames and nothing queues up anywhere.
 */
export function startTabStream(options: TabStreamOptions): TabStream {
  const { source, send } = options;
  const native = source.native;
  const uploads = createUploads(options.uploadMaxBytes ?? 10 * 1024 * 1024);
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
  /** Steps asked for again before they ran run once, with the latest wish: a flood of resizes or tab clicks queues nothing. */
  let wantedViewport: Viewport | undefined;
  let wantedTab: string | undefined;
  let restartQueued = false;
  let sizeQueued = false;
  const restartScreencast = () => {
    if (restartQueued) return;
    restartQueued = true;
    serially(async () => {
      restartQueued = false;
      if (shown) await startScreencast(shown);
    });
  };
  const budget = options.control ? options.pixelBudget?.join(restartScreencast) : undefined;
  const input = createInputQueue(
    async (message) => {
      const target = shown;
      if (!target) return;
      const copied = await dispatchInput(target.channel, message);
      if (typeof copied === "string" && !closed) send({ t: "clipboard", text: copied });
      // A press, a key or text may have opened a list or a picker (or a field's suggestions): look now.
      const opens =
        message.t === "mouse"
          ? message.type === "mousePressed" || message.type === "mouseReleased"
          : message.t === "text" || (message.t === "key" && message.type !== "keyUp");
      if (opens) native?.look(target.pageId);
    },
    { inFlight: VIEWER_LIMITS.inputInFlight, waiting: VIEWER_LIMITS.inputQueue },
  );

  /** The tab list, read once at a time however often pages navigate: a read asked for meanwhile runs once after. */
  let readingTabs: Promise<void> | undefined;
  let tabsAgain = false;
  function sendTabs(): Promise<void> {
    if (readingTabs) {
      tabsAgain = true;
      return readingTabs;
    }
    readingTabs = (async () => {
      do {
        tabsAgain = false;
        const tabs = await source.tabs().catch(() => []);
        if (!closed) send({ t: "tabs", current: shown?.pageId, tabs });
      } while (tabsAgain && !closed);
    })().finally(() => (readingTabs = undefined));
    return readingTabs;
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
    // Before the tab is set up for frames: a tab holding a dialog answers DevTools only once it is answered.
    void sendTabs();
    sendNative(pageId);
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
      if (frame.parentId || sizeQueued) return;
      sizeQueued = true;
      serially(async () => {
        sizeQueued = false;
        if (shown === target) await applySize(target);
      });
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

  /** What is open in the tab now shown (the viewer shows a tab's native UI only while that tab is on screen). */
  function sendNative(pageId: string) {
    for (const ui of native?.open() ?? []) if (ui.pageId === pageId && !closed) send({ t: "native", ui });
  }
  const blockedByDialog = () =>
    !!shown && (native?.open() ?? []).some((ui) => ui.pageId === shown?.pageId && ui.kind === "dialog");

  const unsubscribeNative =
    native?.subscribe((change) => {
      if (closed) return;
      if (change.type === "title") return void sendTabs();
      if (change.type === "notice") return send({ t: "notice", notice: change.notice });
      if (change.type === "closed") return send({ t: "native-closed", id: change.id });
      const { ui } = change;
      if (ui.pageId === shown?.pageId) return send({ t: "native", ui });
      // A dialog or challenge in another tab holds that tab until someone answers: show it (with what is open there).
      if (BLOCKING.has(ui.kind)) serially(() => show(ui.pageId));
    }) ?? (() => {});

  /** Files for a chooser, chunk by chunk; once all have come, the browser gets them. */
  function upload(message: Extract<ViewerMessage, { t: "file-begin" | "file-chunk" | "file-end" }>) {
    const step =
      message.t === "file-begin"
        ? uploads.begin(message.id, message.files)
        : message.t === "file-chunk"
          ? uploads.chunk(message.id, message.data)
          : uploads.end(message.id);
    if (step.kind === "progress") send({ t: "upload", id: step.id, received: step.received, total: step.total });
    else if (step.kind === "refused") send({ t: "upload-refused", id: step.id, reason: step.reason });
    else if (step.kind === "done") void native?.answer(step.id, { kind: "files", files: step.files }).catch(() => {});
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
    // A tab waiting for a person's answer comes first: it was opened while no one was looking.
    const waiting = native?.open().find((ui) => BLOCKING.has(ui.kind) && tabs.some((t) => t.pageId === ui.pageId));
    const first = waiting?.pageId ?? tabs.at(-1)?.pageId;
    if (first) await show(first);
  });

  return {
    receive(message) {
      if (closed) return;
      if (message.t === "ack") pacer.taken();
      else if (message.t === "viewport") {
        const queued = wantedViewport !== undefined;
        wantedViewport = clampViewport(message);
        if (queued) return;
        serially(async () => {
          const next = wantedViewport!;
          wantedViewport = undefined;
          if (next.width === viewport.width && next.height === viewport.height && next.dpr === viewport.dpr) return;
          viewport = next;
          budget?.want(next);
          if (shown) await startScreencast(shown);
        });
      } else if (message.t === "tab") {
        const queued = wantedTab !== undefined;
        wantedTab = message.pageId;
        if (queued) return;
        serially(async () => {
          const pageId = wantedTab!;
          wantedTab = undefined;
          await show(pageId);
        });
      } else if (message.t === "native-answer") {
        void native?.answer(message.id, message.answer).catch(() => {});
      } else if (message.t === "file-begin" || message.t === "file-chunk" || message.t === "file-end") {
        upload(message);
      } else {
        // A page showing a dialog takes no input (Chromium would hold it and act on it after the answer).
        if (blockedByDialog()) return;
        // Input goes in order, but never waits behind a tab switch.
        if (shown) input.push(message);
      }
    },
    async close() {
      closed = true;
      budget?.leave();
      unsubscribe();
      unsubscribeNative();
      uploads.cancel();
      await chain;
      await hide();
    },
  };
}
