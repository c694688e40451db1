import type { DevToolsChannel } from "../adapters/browser/live-view-source.js";
import type { ViewerMessage } from "./viewer-messages.js";

/** Turns a viewer's input into DevTools Input/Page commands on the tab on screen. */
export async function dispatchInput(channel: DevToolsChannel, message: ViewerMessage): Promise<void> {
  switch (message.t) {
    case "mouse": {
      const { type, x, y, button, buttons, clickCount, deltaX, deltaY, modifiers } = message;
      await channel.send("Input.dispatchMouseEvent", { type, x, y, button, buttons, clickCount, deltaX, deltaY, modifiers });
      return;
    }
    case "key": {
      const { type, key, code, keyCode, text, modifiers } = message;
      // A keyDown with text also types it (keypress, input); rawKeyDown only acts (Tab, Backspace, shortcuts).
      const typed = type === "keyDown" && text ? { text, unmodifiedText: text } : {};
      await channel.send("Input.dispatchKeyEvent", { type, key, code, windowsVirtualKeyCode: keyCode, nativeVirtualKeyCode: keyCode, modifiers, ...typed });
      return;
    }
    case "text":
      await channel.send("Input.insertText", { text: message.text });
      return;
    case "compose":
      await channel.send("Input.imeSetComposition", { text: message.text, selectionStart: message.text.length, selectionEnd: message.text.length });
      return;
    case "back": {
      const history = (await channel.send("Page.getNavigationHistory")) as { currentIndex: number; entries: { id: number }[] };
      const previous = history.entries[history.currentIndex - 1];
      if (previous) await channel.send("Page.navigateToHistoryEntry", { entryId: previous.id });
      return;
    }
    case "reload":
      await channel.send("Page.reload");
      return;
  }
}
