import { z } from "zod";
import type { NativeNotice, NativeUi } from "../browser/live-view-source.ts";

/**
 * What a viewer may send (JSON text messages), checked where it enters the worker: the viewer is
 * on the internet, so nothing but these shapes reaches the browser. Frames go the other way as
 * binary JPEG messages; everything else the other way is JSON (see WorkerMessage).
 */
const coordinate = z.number().finite().min(-10_000).max(10_000);
/** Ids of native UI (dialogs, lists, pickers, challenges, file choosers), numbered per session. */
const nativeId = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31);
/** A file chunk: 45 KiB of data as base64, so that the message stays under the 64 KiB a message may have. */
export const FILE_CHUNK_BYTES = 45 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A person's answer to native UI the worker showed (see NativeAnswer in src/browser/live-view-source.ts). */
const nativeAnswer = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("dialog"), accept: z.boolean(), text: z.string().max(10_000).optional() }),
  z.object({ kind: z.literal("choose"), index: z.number().int().min(0).max(499) }),
  z.object({ kind: z.literal("value"), value: z.string().max(64) }),
  z.object({ kind: z.literal("auth"), username: z.string().max(256), password: z.string().max(1_024) }),
  z.object({ kind: z.literal("cancel") }),
]);
const modifiers = z.number().int().min(0).max(15).default(0);

export const viewerMessageSchema = z.discriminatedUnion("t", [
  z.object({
    t: z.literal("mouse"),
    type: z.enum(["mousePressed", "mouseReleased", "mouseMoved", "mouseWheel"]),
    x: coordinate,
    y: coordinate,
    button: z.enum(["none", "left", "middle", "right"]).default("none"),
    buttons: z.number().int().min(0).max(31).default(0),
    clickCount: z.number().int().min(0).max(3).default(0),
    deltaX: coordinate.default(0),
    deltaY: coordinate.default(0),
    modifiers,
  }),
  z.object({
    t: z.literal("key"),
    type: z.enum(["keyDown", "rawKeyDown", "keyUp"]),
    key: z.string().max(32),
    code: z.string().max(32).default(""),
    keyCode: z.number().int().min(0).max(255).default(0),
    text: z.string().max(4).optional(),
    modifiers,
  }),
  /** Typed or pasted text, and the end of an IME composition. */
  z.object({ t: z.literal("text"), text: z.string().min(1).max(10_000) }),
  /** An IME composition under way (the text is shown underlined, not yet committed). */
  z.object({ t: z.literal("compose"), text: z.string().max(1_000) }),
  z.object({
    t: z.literal("viewport"),
    width: z.number().int().min(1).max(10_000),
    height: z.number().int().min(1).max(10_000),
    dpr: z.number().min(0.1).max(10),
  }),
  z.object({ t: z.literal("tab"), pageId: z.string().max(32) }),
  /** Copy or cut was pressed: the page's selected text is sent back to the viewer's clipboard. */
  z.object({ t: z.literal("copy") }),
  z.object({ t: z.literal("back") }),
  z.object({ t: z.literal("reload") }),
  /** The viewer has drawn the last frame: the next may come. */
  z.object({ t: z.literal("ack") }),
  z.object({ t: z.literal("native-answer"), id: nativeId, answer: nativeAnswer }),
  /** Files the person picked for a file chooser: announced, then sent in order in chunks, then ended. */
  z.object({
    t: z.literal("file-begin"),
    id: nativeId,
    files: z
      .array(
        z.object({
          name: z.string().min(1).max(255),
          size: z
            .number()
            .int()
            .min(0)
            .max(1024 ** 3),
          type: z.string().max(100),
        }),
      )
      .min(1)
      .max(10),
  }),
  z.object({
    t: z.literal("file-chunk"),
    id: nativeId,
    data: z
      .string()
      .min(1)
      .max(Math.ceil(FILE_CHUNK_BYTES / 3) * 4)
      .regex(BASE64),
  }),
  z.object({ t: z.literal("file-end"), id: nativeId }),
]);

export type ViewerMessage = z.infer<typeof viewerMessageSchema>;

/** Messages that act on the page: dropped for view-only links. */
export const INPUT_MESSAGES = new Set<ViewerMessage["t"]>([
  "mouse",
  "key",
  "text",
  "compose",
  "copy",
  "tab",
  "back",
  "reload",
  "native-answer",
  "file-begin",
  "file-chunk",
  "file-end",
]);

export type WorkerMessage =
  | { t: "tabs"; current: string | undefined; tabs: { pageId: string; url: string; title: string }[] }
  /** The CSS size of the frames that follow (for mapping the viewer's pointer to page coordinates). */
  | { t: "frame-size"; width: number; height: number }
  /** The text selected in the page when the viewer pressed copy or cut, for the viewer's own clipboard. */
  | { t: "clipboard"; text: string }
  /** Native UI open in a tab (a dialog, a list, a picker, a challenge, a file chooser): the viewer shows it. */
  | { t: "native"; ui: NativeUi }
  | { t: "native-closed"; id: number }
  /** Something the browser refused for the person (a download, a permission): the viewer says so. */
  | { t: "notice"; notice: NativeNotice }
  /** How much of an upload arrived (the viewer sends on as it does), or why it was refused. */
  | { t: "upload"; id: number; received: number; total: number }
  | { t: "upload-refused"; id: number; reason: string };

export function parseViewerMessage(text: string): ViewerMessage | undefined {
  try {
    const parsed = viewerMessageSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
