import type { BrowserContext, CDPSession, Dialog, Page, Response } from "patchright-core";
import type { NativeAnswer, NativeNotice, NativeUi, NativeUiChange, NativeUiSource } from "../live-view-source.ts";
import { FIELD_VALUE, fillPickerField } from "./native-ui-fields.ts";
import { createUploadFolder } from "./native-ui-files.ts";
import { press, send } from "./native-ui-keys.ts";
import { startTabLook, type TabLook } from "./native-ui-look.ts";
import type { WorldReport } from "./native-ui-world.ts";

/** A challenge answered wrongly this many times is asked no more: the tab shows the site's own 401. */
const AUTH_TRIES = 3;
/** Longest site text shown: a dialog's message, a prompt's default, a realm. */
const MAX_TEXT = 2_000;

/** What an open item does with the person's answer; true when the answer closed it. */
type Apply = (answer: NativeAnswer) => Promise<boolean>;

interface Entry {
  ui: NativeUi;
  apply: Apply;
  /** Where a picker or list came from (its frame's world), to close it when that frame reports it closed. */
  source?: string;
}

interface Watched {
  page: Page;
  pageId: string;
  cdp: CDPSession;
  look?: TabLook;
  /** Authentication forms shown for this tab's current address, to stop asking after AUTH_TRIES. */
  challenges: { url: string; tries: number };
}

export interface LocalNativeUi extends NativeUiSource {
  /** Watches a page through its DevTools session: pickers, permissions and title (a world), auth, file chooser. */
  attach(page: Page, pageId: string, cdp: CDPSession): Promise<void>;
  /** A navigation's response: a 401 with WWW-Authenticate is a challenge for the person. */
  navigationResponse(pageId: string, response: Response): void;
  /** A dialog opened in a page of the context (Playwright's context-wide event: popups' first loads too). */
  dialogOpened(dialog: Dialog, pageId: string): void;
  dialogClosed(dialog: Dialog): void;
  /** The page shows a dialog: anything evaluated in it waits for the person's answer. */
  isBlocked(page: Page): boolean;
  /** Settles when the page waits for a person (a dialog, an authentication challenge): its load cannot finish before. */
  waitingForPerson(pageId: string): Promise<void>;
  /** `read` (an evaluation in the page), or a rejection as soon as a dialog opens there: it would wait for the answer. */
  unlessBlocked<T>(page: Page, read: Promise<T>): Promise<T>;
  downloadRefused(pageId: string, filename: string): void;
  pageClosed(pageId: string): void;
  /** Cancels what is open and removes the session's uploaded files. */
  close(): Promise<void>;
}

/** The DevTools event of an intercepted file chooser, as much of it as is used. */
interface FileChooserOpened {
  frameId: string;
  backendNodeId?: number;
  mode: string;
}

const clip = (text: string, max = MAX_TEXT) => text.slice(0, max);
const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
};

/**
 * A session's native UI: everything its tabs show outside the page's pixels, held until a person
 * answers it in the view. Dialogs are Playwright's (one listener for the context, so that none is
 * dismissed for the person); lists and pickers are found by a script in an isolated world of each
 * frame, asked while someone watches (native-ui-look.ts); HTTP authentication is seen in a
 * navigation's 401 response; the file chooser is intercepted on each page's own DevTools session.
 * Answers are applied as a person's own input where the browser allows it: keys into an open list,
 * digits into a date field, credentials given to the browser, files from a folder of the session's
 * own (native-ui-files.ts). Nothing here uses Runtime.enable or a binding: a page cannot tell.
 */
export function createLocalNativeUi(
  context: BrowserContext,
  /** Who Chromium runs as when it is not this process's user: uploads are handed to them (native-ui-files.ts). */
  chromiumOwner?: Promise<{ uid: number; gid: number } | undefined>,
): LocalNativeUi {
  const entries = new Map<number, Entry>();
  const listeners = new Set<(change: NativeUiChange) => void>();
  const dialogs = new Map<Dialog, number>();
  const pages = new Map<string, Watched>();
  const waiters = new Map<string, Set<() => void>>();
  /** Reads under way in pages (unlessBlocked), given up when theirs comes to wait for a person. */
  const blockedWaiters = new Set<{ page: Page; wake: () => void }>();
  const isBlocked = (page: Page) => [...dialogs.keys()].some((d) => d.page() === page);
  const uploads = createUploadFolder(chromiumOwner);
  let nextId = 1;
  let closed = false;

  const emit = (change: NativeUiChange) => {
    for (const listener of listeners) listener(change);
  };
  function open(ui: NativeUi, apply: Apply, source?: string): number {
    entries.set(ui.id, { ui, apply, source });
    emit({ type: "opened", ui });
    if (ui.kind === "dialog" || ui.kind === "auth") for (const wake of waiters.get(ui.pageId) ?? []) wake();
    return ui.id;
  }
  function close(id: number) {
    const entry = entries.get(id);
    if (!entry) return;
    entries.delete(id);
    emit({ type: "closed", id, pageId: entry.ui.pageId });
  }
  const notice = (n: NativeNotice) => emit({ type: "notice", notice: n });

  /** A select list, picker or suggestion list a frame's world reports open (or closed: `described` null). */
  function onWorldReport(watched: Watched, frameId: string, report: WorldReport) {
    const { pageId, cdp } = watched;
    if (report.t === "title") return emit({ type: "title", pageId });
    if (report.t === "permission") {
      return notice({ pageId, kind: "permission-denied", permission: report.permission, origin: report.origin });
    }
    const source = `${report.t}:${frameId}:${report.doc}`;
    // The same frame's earlier report of this kind is over: closed, or replaced by this one.
    for (const [id, entry] of entries) if (entry.source === source) close(id);
    if (!report.open) return;
    const id = nextId++;
    const world = { frameId };
    if (report.t === "datalist") {
      const { rect, items } = report.open;
      return void open(
        { id, pageId, kind: "datalist", rect, items },
        async (answer) => {
          if (answer.kind !== "choose") return answer.kind === "cancel";
          const item = items[answer.index];
          if (!item) return false;
          // What a pick in the browser's own list does: the field's text replaced by the suggestion.
          await press(cdp, "a", 2);
          await send(cdp, "Input.insertText", { text: item.value });
          return true;
        },
        source,
      );
    }
    const described = report.open;
    if (described.kind === "select") {
      const visible = described.items;
      const ui: NativeUi = {
        id,
        pageId,
        kind: "select",
        rect: described.rect,
        items: visible.map(({ label, disabled, group }) => ({ label, disabled, ...(group ? { group } : {}) })),
        selected: visible.findIndex((item) => item.index === described.selectedIndex),
      };
      return void open(ui, (answer) => chooseOption(watched, world, visible, described.selectedIndex, answer), source);
    }
    const { input, rect, value, min, max, step } = described;
    open(
      { id, pageId, kind: "picker", input, rect, value, min, max, step },
      async (answer) => {
        if (answer.kind === "cancel") {
          await press(cdp, "Escape");
          return true;
        }
        if (answer.kind !== "value" || !FIELD_VALUE[input]?.test(answer.value)) return false;
        const element = await openElement(watched, world);
        if (element) await fillPickerField(cdp, element, input, answer.value);
        return true;
      },
      source,
    );
  }

  /** The element the frame's world last saw open, as an object the DevTools session can act on. */
  const openElement = (watched: Watched, world: { frameId: string }) =>
    watched.look?.openElement(world.frameId) ?? Promise.resolve(undefined);

  /**
   * The person's option, applied in the browser's own open list as its keyboard would: one arrow
   * for each option that can be chosen between the selected one and theirs, then Enter. The page
   * sees what a person's keys make (input, change, trusted). Read back; set from a script only if not.
   */
  async function chooseOption(
    watched: Watched,
    world: { frameId: string },
    visible: { index: number; disabled: boolean }[],
    selectedIndex: number,
    answer: NativeAnswer,
  ): Promise<boolean> {
    const { cdp } = watched;
    if (answer.kind === "cancel") {
      await press(cdp, "Escape");
      return true;
    }
    const target = answer.kind === "choose" ? visible[answer.index] : undefined;
    if (!target || target.disabled) return false;
    const usable = visible.filter((item) => !item.disabled).map((item) => item.index);
    const down = target.index > selectedIndex;
    const steps = usable.filter((i) =>
      down ? i > selectedIndex && i <= target.index : i < selectedIndex && i >= target.index,
    ).length;
    for (let i = 0; i < steps; i++) await press(cdp, down ? "ArrowDown" : "ArrowUp");
    await press(cdp, "Enter");
    const element = await openElement(watched, world);
    if (!element) return true;
    await send(cdp, "Runtime.callFunctionOn", {
      objectId: element,
      functionDeclaration: `function (index) {
        if (this.selectedIndex === index) return;
        this.selectedIndex = index;
        this.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
        this.dispatchEvent(new Event("change", { bubbles: true }));
      }`,
      arguments: [{ value: target.index }],
    });
    return true;
  }

  async function onFileChooser(watched: Watched, event: FileChooserOpened) {
    const { pageId, cdp } = watched;
    if (!event.backendNodeId) return notice({ pageId, kind: "unsupported", what: "file-system-access" });
    const contextId = await watched.look?.worldOf(event.frameId);
    const { object } = await send(cdp, "DOM.resolveNode", {
      backendNodeId: event.backendNodeId,
      ...(contextId ? { executionContextId: contextId } : {}),
    });
    const { result } = await send(cdp, "Runtime.callFunctionOn", {
      objectId: object.objectId,
      functionDeclaration: "function () { return { accept: this.accept, directory: this.webkitdirectory }; }",
      returnByValue: true,
    });
    const { accept, directory } = result.value as { accept: string; directory: boolean };
    if (directory) return notice({ pageId, kind: "unsupported", what: "directory" });
    const multiple = event.mode === "selectMultiple";
    const backendNodeId = event.backendNodeId;
    open({ id: nextId++, pageId, kind: "file", multiple, accept: clip(String(accept ?? ""), 500) }, async (answer) => {
      if (answer.kind === "cancel") return true;
      if (answer.kind !== "files" || answer.files.length === 0) return false;
      const chosen = multiple ? answer.files : answer.files.slice(0, 1);
      const paths = await uploads.write(chosen);
      await send(cdp, "DOM.setFileInputFiles", { files: paths, backendNodeId });
      return true;
    });
  }

  /**
   * A navigation answered 401 with a WWW-Authenticate challenge: the browser shows its error page (no
   * one at the worker's screen can answer its own prompt), and the person is asked in the view. Their
   * answer goes to the browser only (the context's HTTP credentials, for that origin) and the tab goes
   * to the address again; a wrong answer gives a new challenge, asked with "not accepted", three times.
   */
  function onChallenge(watched: Watched, response: Response) {
    const { pageId, page } = watched;
    const header = response.headers()["www-authenticate"] ?? "";
    const url = response.url();
    const origin = originOf(url);
    if (!header || !origin) return;
    const tries = watched.challenges.url === url ? watched.challenges.tries + 1 : 1;
    watched.challenges = { url, tries };
    if (tries > AUTH_TRIES) return;
    for (const [id, entry] of entries) if (entry.ui.pageId === pageId && entry.ui.kind === "auth") close(id);
    const scheme = /^\s*([\w-]+)/.exec(header)?.[1] ?? "";
    const realm = /realm="([^"]*)"/i.exec(header)?.[1] ?? "";
    open(
      {
        id: nextId++,
        pageId,
        kind: "auth",
        origin,
        realm: clip(realm, 200),
        scheme: clip(scheme, 50),
        retry: tries > 1,
      },
      async (answer) => {
        if (answer.kind === "cancel") return true;
        if (answer.kind !== "auth") return false;
        // Held by the browser session for this origin only: not kept here, not logged, not in any event.
        await context.setHTTPCredentials({ username: answer.username, password: answer.password, origin });
        void page.goto(url).catch(() => {});
        return true;
      },
    );
  }

  return {
    open: () => [...entries.values()].map((e) => e.ui),
    subscribe(listener) {
      listeners.add(listener);
      // Lists and pickers are looked for only while someone watches: there is no one to show them to otherwise.
      for (const watched of pages.values()) watched.look?.setWatched(true);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) for (const watched of pages.values()) watched.look?.setWatched(false);
      };
    },
    async answer(id, answer) {
      const entry = entries.get(id);
      if (!entry || closed) return;
      // Taken before applying: a second viewer's answer to the same item finds it gone.
      entries.delete(id);
      let done = false;
      try {
        done = await entry.apply(answer);
      } finally {
        if (done || !pages.has(entry.ui.pageId)) emit({ type: "closed", id, pageId: entry.ui.pageId });
        else entries.set(id, entry);
      }
    },

    async attach(page, pageId, cdp) {
      const watched: Watched = { page, pageId, cdp, challenges: { url: "", tries: 0 } };
      pages.set(pageId, watched);
      cdp.on(
        "Page.fileChooserOpened",
        (event: FileChooserOpened) => void onFileChooser(watched, event).catch(() => {}),
      );
      await send(cdp, "Page.enable");
      // The page's file chooser comes here rather than to a dialog on the worker's screen.
      await send(cdp, "Page.setInterceptFileChooserDialog", { enabled: true });
      watched.look = await startTabLook(cdp, {
        onReport: (frameId, report) => onWorldReport(watched, frameId, report),
        onFrameGone: (frameId) => {
          for (const [id, entry] of entries) if (entry.source?.split(":")[1] === frameId) close(id);
        },
        blocked: () => isBlocked(page),
      });
      watched.look.setWatched(listeners.size > 0);
    },
    navigationResponse(pageId, response) {
      const watched = pages.get(pageId);
      if (!watched) return;
      if (response.status() === 401) return onChallenge(watched, response);
      if (response.url() === watched.challenges.url) watched.challenges = { url: "", tries: 0 };
    },
    look(pageId) {
      pages.get(pageId)?.look?.soon();
    },

    dialogOpened(dialog, pageId) {
      if (closed) return;
      const kind = dialog.type() as "alert" | "confirm" | "prompt" | "beforeunload";
      const id = nextId++;
      dialogs.set(dialog, id);
      // Reads under way in that page would wait for the answer: they give up now.
      for (const waiting of blockedWaiters) if (waiting.page === dialog.page()) waiting.wake();

      open(
        {
          id,
          pageId,
          kind: "dialog",
          dialog: kind,
          message: kind === "beforeunload" ? "" : clip(dialog.message()),
          defaultPrompt: kind === "prompt" ? clip(dialog.defaultValue()) : "",
          origin: originOf(dialog.page()?.url() ?? ""),
        },
        async (answer) => {
          if (answer.kind !== "dialog" && answer.kind !== "cancel") return false;
          const accept = answer.kind === "dialog" && (answer.accept || kind === "alert");
          dialogs.delete(dialog);
          await (accept ? dialog.accept(kind === "prompt" ? (answer.text ?? "") : undefined) : dialog.dismiss()).catch(
            () => {},
          );
          return true;
        },
      );
    },
    dialogClosed(dialog) {
      const id = dialogs.get(dialog);
      dialogs.delete(dialog);
      if (id !== undefined) close(id);
    },
    isBlocked,
    waitingForPerson(pageId) {
      return new Promise<void>((resolve) => {
        const blocked = [...entries.values()].some(
          (e) => e.ui.pageId === pageId && (e.ui.kind === "dialog" || e.ui.kind === "auth"),
        );
        if (blocked) return resolve();
        const set = waiters.get(pageId) ?? new Set();
        waiters.set(pageId, set);
        const wake = () => {
          set.delete(wake);
          if (set.size === 0) waiters.delete(pageId);
          resolve();
        };
        set.add(wake);
      });
    },
    unlessBlocked(page, read) {
      read.catch(() => {});
      if (isBlocked(page)) return Promise.reject(new Error("the page waits for a person"));
      return new Promise((resolve, reject) => {
        const waiting = { page, wake: () => reject(new Error("the page waits for a person")) };
        blockedWaiters.add(waiting);
        read.then(resolve, reject).finally(() => blockedWaiters.delete(waiting));
      });
    },
    downloadRefused(pageId, filename) {
      notice({ pageId, kind: "download-refused", filename: clip(filename, 200) });
    },
    pageClosed(pageId) {
      pages.get(pageId)?.look?.stop();
      pages.delete(pageId);
      for (const [id, entry] of entries) if (entry.ui.pageId === pageId) close(id);
      for (const wake of waiters.get(pageId) ?? []) wake();
    },
    async close() {
      closed = true;
      for (const watched of pages.values()) watched.look?.stop();
      for (const id of [...entries.keys()]) close(id);
      dialogs.clear();
      listeners.clear();
      await uploads.remove().catch(() => {});
    },
  };
}
