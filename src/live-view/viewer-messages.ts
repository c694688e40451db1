import { z } from "zod";

/**
 * What a viewer may send (JSON text messages), checked where it enters the worker: the viewer is
 * on the internet, so nothing but these shapes reaches the browser. Frames go the other way as
 * binary JPEG messages; everything else the other way is JSON (see WorkerMessage).
 */
const coordinate = z.number().finite().min(-10_000).max(10_000);
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
]);

export type WorkerMessage =
  | { t: "tabs"; current: string | undefined; tabs: { pageId: string; url: string; title: string }[] }
  /** The CSS size of the frames that follow (for mapping the viewer's pointer to page coordinates). */
  | { t: "frame-size"; width: number; height: number }
  /** The text selected in the page when the viewer pressed copy or cut, for the viewer's own clipboard. */
  | { t: "clipboard"; text: string };

export function parseViewerMessage(text: string): ViewerMessage | undefined {
  try {
    const parsed = viewerMessageSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
