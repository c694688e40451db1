import { evaluateInIsolatedWorld } from "../browser/isolated-world.ts";
import type { DevToolsChannel } from "../browser/live-view-source.ts";
import type { ViewerMessage } from "./viewer-messages.ts";

/**
 * The selected text of the page, as copy would take it: a field's selection, else the document's.
 * Never a password field's: what the page hides stays in the page.
 */
const SELECTED_TEXT = `(() => {
  const el = document.activeElement;
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
    if (el.type === "password") return "";
    return el.value.slice(el.selectionStart ?? 0, el.selectionEnd ?? 0);
  }
  return String(getSelection() ?? "");
})()`;

/** Turns a viewer's input into DevTools Input/Page commands on the tab on screen; copy answers the selected text. */
export async function dispatchInput(channel: DevToolsChannel, message: ViewerMessage): Promise<string | undefined> {
  switch (message.t) {
    case "mouse": {
      const { type, x, y, button, buttons, clickCount, deltaX, deltaY, modifiers } = message;
      await channel.send("Input.dispatchMouseEvent", {
        type,
        x,
        y,
        button,
        buttons,
        clickCount,
        deltaX,
        deltaY,
        modifiers,
      });
      return;
    }
    case "key": {
      const { type, key, code, keyCode, text, modifiers } = message;
      // A keyDown with text also types it (keypress, input); rawKeyDown only acts (Tab, Backspace, shortcuts).
      const typed = type === "keyDown" && text ? { text, unmodifiedText: text } : {};
      await channel.send("Input.dispatchKeyEvent", {
        type,
        key,
        code,
        windowsVirtualKeyCode: keyCode,
        nativeVirtualKeyCode: keyCode,
        modifiers,
        ...typed,
      });
      return;
    }
    case "text":
      await channel.send("Input.insertText", { text: message.text });
      return;
    case "compose":
      await channel.send("Input.imeSetComposition", {
        text: message.text,
        selectionStart: message.text.length,
        selectionEnd: message.text.length,
      });
      return;
    case "copy": {
      // In an isolated world: read from the page's main world, the page could see who asked (docs/real-sites.md).
      const text = await evaluateInIsolatedWorld<unknown>(
        (method, params) => channel.send(method, params),
        SELECTED_TEXT,
      );
      return typeof text === "string" ? text.slice(0, 10_000) : "";
    }
    case "back": {
      const history = (await channel.send("Page.getNavigationHistory")) as {
        currentIndex: number;
        entries: { id: number }[];
      };
      const previous = history.entries[history.currentIndex - 1];
      if (previous) await channel.send("Page.navigateToHistoryEntry", { entryId: previous.id });
      return;
    }
    case "reload":
      await channel.send("Page.reload");
      return;
  }
}
