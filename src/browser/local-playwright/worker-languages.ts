import type { CDPSession } from "patchright-core";

/**
 * patchright-core gives a page the context's language but not the dedicated workers it starts: a
 * worker's navigator.languages (and its importScripts requests' Accept-Language) would then be the
 * browser's default while the page has the person's, a difference sites check. So the page's own
 * DevTools session attaches to each worker as it starts (paused before its first line), gives it the
 * same language, and lets it run. Non-flat mode: Playwright's CDPSession cannot address child
 * sessions, so messages go through Target.sendMessageToTarget. Nothing runs in the worker.
 */
export async function giveWorkersLanguage(cdp: CDPSession, locale: string): Promise<void> {
  let nextId = 1;
  const sendTo = (sessionId: string, method: string, params: object) =>
    cdp
      .send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id: nextId++, method, params }) })
      .catch(() => {});
  cdp.on("Target.attachedToTarget", ({ sessionId, targetInfo, waitingForDebugger }) => {
    void (async () => {
      if (targetInfo.type === "worker") {
        // An empty user agent keeps the browser's own; only the languages change.
        await sendTo(sessionId, "Emulation.setUserAgentOverride", { userAgent: "", acceptLanguage: locale });
      }
      if (waitingForDebugger) await sendTo(sessionId, "Runtime.runIfWaitingForDebugger", {});
    })();
  });
  await cdp.send("Target.setAutoAttach", {
    autoAttach: true,
    waitForDebuggerOnStart: true,
    flatten: false,
    filter: [{ type: "worker", exclude: false }, { exclude: true }],
  });
}
