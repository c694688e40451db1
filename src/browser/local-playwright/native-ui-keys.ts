import type { CDPSession } from "patchright-core";

/**
 * Keys into a page through DevTools, as a person's keyboard makes them (trusted events, the page's
 * own default actions): how a choice made in the view is applied to the browser's own list or field.
 */
const NAMED: Record<string, { code: string; keyCode: number; text?: string }> = {
  ArrowDown: { code: "ArrowDown", keyCode: 40 },
  ArrowUp: { code: "ArrowUp", keyCode: 38 },
  Enter: { code: "Enter", keyCode: 13, text: "\r" },
  Escape: { code: "Escape", keyCode: 27 },
};

/** A DevTools command by name: answers are read where they are used, each of its own shape. */
export const send = (cdp: CDPSession, method: string, params?: Record<string, unknown>) =>
  // biome-ignore lint/suspicious/noExplicitAny: each DevTools answer has its own shape; the caller reads the one it expects
  cdp.send(method as never, params as never) as Promise<any>;

/** A key by name (ArrowDown, Enter…) or a single character (a digit, a letter), down then up. */
export async function press(cdp: CDPSession, key: string, modifiers = 0): Promise<void> {
  const named = NAMED[key];
  const upper = key.toUpperCase();
  const { code, keyCode, text } = named ?? {
    code: /\d/.test(key) ? `Digit${key}` : `Key${upper}`,
    keyCode: upper.charCodeAt(0),
    text: modifiers ? undefined : key,
  };
  const common = { key, code, windowsVirtualKeyCode: keyCode, nativeVirtualKeyCode: keyCode, modifiers };
  await send(cdp, "Input.dispatchKeyEvent", {
    ...common,
    type: text ? "keyDown" : "rawKeyDown",
    ...(text ? { text, unmodifiedText: text } : {}),
    // Ctrl+A selects all through the editing command, as a keyboard shortcut does in a browser window.
    ...(modifiers === 2 && upper === "A" ? { commands: ["selectAll"] } : {}),
  });
  await send(cdp, "Input.dispatchKeyEvent", { ...common, type: "keyUp" });
}

export async function typeChars(cdp: CDPSession, chars: string): Promise<void> {
  for (const char of chars) await press(cdp, char);
}
