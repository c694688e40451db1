import type { StorageItem } from "../../credentials/captured-state.ts";
import type { StagehandContext } from "./page-watcher.ts";

const EMPTY_PAGE = Buffer.from("<!doctype html><title></title>").toString("base64");
const READ_LOCAL_STORAGE = `(() => {
  const out = [];
  for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i); out.push({ name: k, value: localStorage.getItem(k) ?? "" }); }
  return out;
})()`;

/**
 * Reads the localStorage of origins no tab shows any more (the SSO a login went through), the way
 * Playwright's storageState does: a tab loads each origin with every request answered locally by
 * an empty page, so nothing reaches the site, and reads the storage there.
 * The tab is a hidden target: no tab strip, no live view, and Stagehand does not take it for a page.
 * Returns only the origins it could read; the caller falls back to what it saw for the others.
 */
export async function readLocalStorageInHiddenTab(
  context: StagehandContext,
  origins: string[],
  { timeoutMs = 5_000 }: { timeoutMs?: number } = {},
): Promise<Map<string, StorageItem[]>> {
  const found = new Map<string, StorageItem[]>();
  if (origins.length === 0) return found;
  const conn = context.conn;
  let targetId: string;
  try {
    ({ targetId } = await conn.send<{ targetId: string }>("Target.createTarget", { url: "about:blank", hidden: true }));
  } catch {
    // A browser without hidden targets: a visible scratch tab would show up in the live view, so no.
    return found;
  }
  try {
    const tab = await conn.attachToTarget(targetId);
    tab.on("Fetch.requestPaused", (event: { requestId: string }) => {
      void tab
        .send("Fetch.fulfillRequest", {
          requestId: event.requestId,
          responseCode: 200,
          responseHeaders: [{ name: "content-type", value: "text/html" }],
          body: EMPTY_PAGE,
        })
        .catch(() => {});
    });
    await tab.send("Fetch.enable", { patterns: [{ urlPattern: "*", requestStage: "Request" }] });
    await tab.send("Page.enable");
    for (const origin of origins) {
      const loaded = new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
          tab.off("Page.loadEventFired", done);
          resolve();
        }
        tab.on("Page.loadEventFired", done);
      });
      const navigation = await tab
        .send<{ errorText?: string }>("Page.navigate", { url: `${origin}/` })
        .catch(() => ({ errorText: "failed" }));
      if (navigation.errorText) continue;
      await loaded;
      const { result } = await tab
        .send<{ result?: { value?: unknown } }>("Runtime.evaluate", {
          expression: READ_LOCAL_STORAGE,
          returnByValue: true,
        })
        .catch(() => ({ result: undefined }));
      if (Array.isArray(result?.value)) found.set(origin, result.value as StorageItem[]);
    }
  } catch {
    // Whatever was read before the failure is still good.
  } finally {
    await conn.send("Target.closeTarget", { targetId }).catch(() => {});
  }
  return found;
}
