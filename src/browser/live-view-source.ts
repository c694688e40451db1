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
  /** Dialogs, pickers, authentication and file choosers of the session's tabs; absent where the adapter has none. */
  native?: NativeUiSource;
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

/**
 * What the browser shows outside the page's own pixels, which a screencast never carries: dialogs,
 * the option lists and pickers of form fields, HTTP authentication, the file chooser. Each is held
 * open until a person answers it from the view (nothing is answered for them), and goes away when the
 * page does. Texts come from the page: a viewer shows them as text, and they are never logged.
 */
export type NativeUi = { id: number; pageId: string } & (
  | {
      kind: "dialog";
      dialog: "alert" | "confirm" | "prompt" | "beforeunload";
      /** The site's text (none for beforeunload: browsers show their own words). */
      message: string;
      defaultPrompt: string;
      origin: string;
    }
  /** A `<select>`'s list: its options as shown (hidden ones left out), the selected one by that order. */
  | {
      kind: "select";
      rect: NativeRect;
      items: { label: string; disabled: boolean; group?: string }[];
      selected: number;
    }
  /** A date, time, month, week or colour field's picker, with the field's value and bounds. */
  | {
      kind: "picker";
      input: "date" | "time" | "datetime-local" | "month" | "week" | "color";
      rect: NativeRect;
      value: string;
      min: string;
      max: string;
      step: string;
    }
  /** The suggestions of a field with a `<datalist>`, filtered by what is typed in it. */
  | { kind: "datalist"; rect: NativeRect; items: { value: string; label: string }[] }
  /** An HTTP authentication challenge (401 with WWW-Authenticate) for the page's navigation. */
  | { kind: "auth"; origin: string; realm: string; scheme: string; retry: boolean }
  /** The page asks for files (`<input type=file>`). */
  | { kind: "file"; multiple: boolean; accept: string }
);

/** A field's box in the page's CSS pixels, from the top left of the tab's viewport. */
export interface NativeRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A person's answer to what is open; what does not fit what is open is ignored. */
export type NativeAnswer =
  | { kind: "dialog"; accept: boolean; text?: string }
  /** An item of a select or datalist, by its place in `items`. */
  | { kind: "choose"; index: number }
  /** A picker's new value, in the field's own format (`2026-07-04`, `21:30`, `#00aa33`). */
  | { kind: "value"; value: string }
  /** The person's credentials: given to the browser for this challenge, never kept. */
  | { kind: "auth"; username: string; password: string }
  /** Files the person chose on their own machine; names only, never a path. */
  | { kind: "files"; files: { name: string; type: string; data: Buffer }[] }
  /** Closed without a choice (Escape, Cancel). */
  | { kind: "cancel" };

/** Things the browser refused on the person's behalf, for the view to say. */
export type NativeNotice = { pageId: string } & (
  | { kind: "download-refused"; filename: string }
  | { kind: "permission-denied"; permission: string; origin: string }
  | { kind: "unsupported"; what: string }
);

export type NativeUiChange =
  | { type: "opened"; ui: NativeUi }
  | { type: "closed"; id: number; pageId: string }
  | { type: "notice"; notice: NativeNotice }
  /** The page's title changed without a navigation (single-page apps): the tab list is stale. */
  | { type: "title"; pageId: string };

export interface NativeUiSource {
  /** What is open now, oldest first. */
  open(): NativeUi[];
  subscribe(listener: (change: NativeUiChange) => void): () => void;
  /** Applies a person's answer with real input where the browser allows it; resolves once given. */
  answer(id: number, answer: NativeAnswer): Promise<void>;
  /** The person just acted in this tab (a click, a key): what it opened is looked for at once. */
  look(pageId: string): void;
}
