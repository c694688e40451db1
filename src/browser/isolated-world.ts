/**
 * Evaluates an expression where the page cannot see it: in an isolated world of the tab's main frame
 * (the same DOM, globals of its own). A main-world evaluation shows: a page that wraps
 * getSelection, document.activeElement or Storage.prototype.getItem sees calls from a stack with no
 * page URL in it, and sites that look for automation look there (docs/real-sites.md). Needs no
 * Runtime.enable (itself a tell).
 */
type Send = (method: string, params?: Record<string, unknown>) => Promise<unknown>;

/** Chromium keeps one world per name and frame: every evaluation of ours shares it. */
const WORLD = "blc";

export async function evaluateInIsolatedWorld<T>(send: Send, expression: string): Promise<T | undefined> {
  const { frameTree } = (await send("Page.getFrameTree")) as { frameTree: { frame: { id: string } } };
  const { executionContextId } = (await send("Page.createIsolatedWorld", {
    frameId: frameTree.frame.id,
    worldName: WORLD,
    grantUniveralAccess: false,
  })) as { executionContextId: number };
  const answer = (await send("Runtime.evaluate", {
    expression,
    contextId: executionContextId,
    returnByValue: true,
  })) as { result: { value?: T }; exceptionDetails?: unknown };
  return answer.exceptionDetails ? undefined : answer.result.value;
}
