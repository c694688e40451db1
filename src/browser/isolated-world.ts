/**
 * Our isolated world: where the project's own scripts run in a page, unseen by it (the same DOM,
 * globals of its own). A main-world evaluation shows: a page that wraps getSelection,
 * document.activeElement or Storage.prototype.getItem sees calls from a stack with no page URL in
 * it, and sites that look for automation look there (docs/real-sites.md). Reaching it needs no
 * Runtime.enable (itself a tell) and no binding. Every reader of ours uses this one world: the live
 * view's copy, the device a session shows, and the native-UI watcher installed in every frame
 * (local-playwright/native-ui-world.ts).
 */
type Send = (method: string, params?: Record<string, unknown>) => Promise<unknown>;

/** Chromium keeps one world per name and document: every evaluation and script of ours shares it. */
export const ISOLATED_WORLD = "blc";

/**
 * The execution context of our world in a frame (the tab's main frame when none is named). For a
 * document whose world exists already (a script installed with `worldName: ISOLATED_WORLD`), Chromium
 * answers that one.
 */
export async function isolatedWorld(send: Send, frameId?: string): Promise<number> {
  const frame =
    frameId ?? ((await send("Page.getFrameTree")) as { frameTree: { frame: { id: string } } }).frameTree.frame.id;
  const { executionContextId } = (await send("Page.createIsolatedWorld", {
    frameId: frame,
    worldName: ISOLATED_WORLD,
    grantUniveralAccess: false,
  })) as { executionContextId: number };
  return executionContextId;
}

/**
 * Evaluates an expression in our world and answers its value (undefined when it threw). `contextId`:
 * a world already found (isolatedWorld), else the main frame's.
 */
export async function evaluateInIsolatedWorld<T>(
  send: Send,
  expression: string,
  contextId?: number,
): Promise<T | undefined> {
  const answer = (await send("Runtime.evaluate", {
    expression,
    contextId: contextId ?? (await isolatedWorld(send)),
    returnByValue: true,
  })) as { result: { value?: T }; exceptionDetails?: unknown };
  return answer.exceptionDetails ? undefined : answer.result.value;
}
