import { randomBytes } from "node:crypto";
import type { BrowserSession } from "../../browser/browser-adapter.ts";
import type { DevToolsTab, PageDevTools } from "./page-devtools.ts";

/**
 * Whether the person has used the login page yet. A login rejection is a rejection of the person's
 * attempt: a real app's login page probes its own API as it loads and gets a 401 nobody typed for,
 * so failure responses and URLs count only once the person has acted.
 *
 * One signal serves every way input arrives (the live view, a headed window, Browserbase's view, a
 * script on the DevTools port): the browser's own trusted input events. A listener in the worker's
 * isolated world of every document (added for new documents, page scripts cannot see it) reports
 * the first trusted key, pointer, touch or text input through a binding that exists only in that
 * world, at once, with the time by the page's clock. Until then the tabs are also asked, once a
 * second, for the browser's sticky user activation (`navigator.userActivation.hasBeenActive`): input
 * in a cross-site frame, where the listener does not run, sets it on the page too (its time is then
 * known to within one poll).
 *
 * A rejection is judged by when its request was sent (the browser's clock, like the input's): events
 * reach the worker late and in no guaranteed order, and a probe sent before the person typed must not
 * become theirs because its answer was reported after they did.
 */
export interface FirstInput {
  /**
   * Whether the person had used any tab of the session by `requestedAt` (the browser's clock), or by
   * now when the time of the request is not known. Always true when the browser offers no DevTools to tell.
   */
  happenedBefore(requestedAt?: number): boolean;
  stop(): void;
}

/** How often the tabs are asked for their user activation until the first input is known. */
const ACTIVATION_POLL_MS = 1_000;

const INPUT_EVENTS = ["keydown", "pointerdown", "mousedown", "touchstart", "beforeinput", "input"];

/** The listener each document of the session runs in the worker's isolated world. */
function listenerScript(flag: string, binding: string): string {
  return `(() => {
  const flag = ${JSON.stringify(flag)}, binding = ${JSON.stringify(binding)}, types = ${JSON.stringify(INPUT_EVENTS)};
  if (globalThis[flag] !== undefined) return;
  globalThis[flag] = false;
  const tell = (type, at) => {
    if (globalThis[flag]) return;
    globalThis[flag] = Math.floor(at || Date.now());
    for (const t of types) removeEventListener(t, on, true);
    try { if (typeof globalThis[binding] === "function") globalThis[binding](String(globalThis[flag])); } catch {}
  };
  const on = (event) => { if (event.isTrusted) tell(event.type); };
  for (const t of types) addEventListener(t, on, { capture: true, passive: true });
  // Input before this ran (the worker attaches once the page is up): the browser's own record of it says when.
  const earlier = performance.getEntriesByType("first-input")[0];
  if (earlier) tell(earlier.type, performance.timeOrigin + earlier.startTime);
  else if (navigator.userActivation && navigator.userActivation.hasBeenActive) tell("activation");
})()`;
}

export function watchFirstInput(
  session: BrowserSession,
  devtools: PageDevTools,
  options: { onInput?: () => void; pollMs?: number } = {},
): FirstInput {
  if (!devtools.available) return { happenedBefore: () => true, stop() {} };
  const flag = `f${randomBytes(8).toString("hex")}`;
  const binding = `b${randomBytes(8).toString("hex")}`;
  const source = listenerScript(flag, binding);
  const pollMs = options.pollMs ?? ACTIVATION_POLL_MS;
  /**
   * When input came (page clock): the listener's flag, else the browser's first-input entry (a poll may
   * run before the listener's report arrives, and both know the time), else the activation seen at a
   * poll (input in a cross-site frame: its time known to within one poll).
   */
  const asked = `(() => {
    const at = globalThis[${JSON.stringify(flag)}];
    if (typeof at === "number") return at;
    const entry = performance.getEntriesByType("first-input")[0];
    if (entry) return Math.floor(performance.timeOrigin + entry.startTime);
    return navigator.userActivation && navigator.userActivation.hasBeenActive ? Date.now() - ${pollMs} : null;
  })()`;
  /** When the first input came, by the page's clock. */
  let firstAt: number | undefined;
  let stopped = false;

  let asking = false;
  const poll = setInterval(() => {
    if (asking) return;
    asking = true;
    void Promise.all(
      session.pages().map(async ({ pageId }) => {
        const tab = await devtools.tab(pageId);
        const at = tab ? await tab.evaluate<number | null>(asked).catch(() => null) : null;
        if (typeof at === "number") saw(at);
      }),
    ).finally(() => {
      asking = false;
    });
  }, pollMs);

  function saw(at: number) {
    if (firstAt !== undefined || stopped || !Number.isFinite(at)) return;
    firstAt = at;
    clearInterval(poll);
    options.onInput?.();
  }

  /** The binding in a frame's isolated world, then a look at whether input came before it was there. */
  async function arm(tab: DevToolsTab, frameId?: string) {
    const contextId = await tab.contextOf(frameId);
    await tab.channel.send("Runtime.addBinding", { name: binding, executionContextId: contextId });
    const answer = (await tab.channel.send("Runtime.evaluate", {
      expression: `globalThis[${JSON.stringify(flag)}]`,
      contextId,
      returnByValue: true,
      silent: true,
    })) as { result: { value?: unknown } };
    if (typeof answer.result.value === "number") saw(answer.result.value);
  }

  async function watchTab(pageId: string) {
    const tab = await devtools.tab(pageId);
    if (!tab || stopped) return;
    tab.channel.on("Runtime.bindingCalled", ({ name, payload }: { name: string; payload: string }) => {
      if (name === binding) saw(Number(payload));
    });
    tab.onFrameNavigated((frameId) => void arm(tab, frameId).catch(() => {}));
    await tab.channel.send("Page.addScriptToEvaluateOnNewDocument", {
      source,
      worldName: tab.worldName,
      runImmediately: true,
    });
    await arm(tab);
  }

  const unsubscribe = session.onEvent((event) => {
    if (event.type === "page-opened" && firstAt === undefined) void watchTab(event.pageId).catch(() => {});
  });
  for (const page of session.pages()) void watchTab(page.pageId).catch(() => {});

  return {
    happenedBefore(requestedAt) {
      if (firstAt === undefined) return false;
      return requestedAt === undefined || requestedAt >= firstAt;
    },
    stop() {
      stopped = true;
      clearInterval(poll);
      unsubscribe();
    },
  };
}
