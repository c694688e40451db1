import type { CDPSession } from "patchright-core";
import type { StorageItem } from "../../credentials/captured-state.ts";
import type { StorageArea } from "../browser-adapter.ts";

/**
 * A page's localStorage and sessionStorage read through DevTools' DOMStorage domain, from the browser
 * side: no script runs in the page. A script of ours in the page's main world shows (a page that wraps
 * Storage.prototype.getItem or Object.keys sees calls from a stack with no page URL in it), and sites
 * that look for automation do look there (docs/real-sites.md).
 */

interface FrameTree {
  frame: { id: string; securityOrigin?: string };
  childFrames?: FrameTree[];
}

interface StorageKey {
  origin: string;
  /** The frame's storage key: its origin, and the top-level site when its storage is partitioned. */
  storageKey?: string;
}

/** The storage keys of every frame of the page, each once. */
async function storageKeys(cdp: CDPSession): Promise<StorageKey[]> {
  const { frameTree } = (await cdp.send("Page.getFrameTree")) as unknown as { frameTree: FrameTree };
  const frames: FrameTree["frame"][] = [];
  const walk = (node: FrameTree) => {
    frames.push(node.frame);
    for (const child of node.childFrames ?? []) walk(child);
  };
  walk(frameTree);
  const keys = new Map<string, StorageKey>();
  for (const { id, securityOrigin: origin } of frames) {
    if (!origin || origin === "null" || !/^https?:\/\//.test(origin)) continue;
    const storageKey = await cdp
      .send("Storage.getStorageKeyForFrame", { frameId: id })
      .then((answer) => answer.storageKey)
      .catch(() => undefined);
    keys.set(storageKey ?? origin, { origin, ...(storageKey ? { storageKey } : {}) });
  }
  return [...keys.values()];
}

async function itemsOf(cdp: CDPSession, key: StorageKey, area: StorageArea): Promise<StorageItem[]> {
  const storageId = {
    ...(key.storageKey ? { storageKey: key.storageKey } : { securityOrigin: key.origin }),
    isLocalStorage: area === "localStorage",
  };
  const { entries } = await cdp
    .send("DOMStorage.getDOMStorageItems", { storageId })
    .catch(() => ({ entries: [] as string[][] }));
  return entries.map(([name, value]) => ({ name: name ?? "", value: value ?? "" }));
}

/** `key` in `area` of each frame of the page that has it. */
export async function readStorageItem(
  cdp: CDPSession,
  area: StorageArea,
  key: string,
): Promise<{ origin: string; value: string }[]> {
  const found: { origin: string; value: string }[] = [];
  for (const storageKey of await storageKeys(cdp)) {
    const item = (await itemsOf(cdp, storageKey, area)).find((i) => i.name === key);
    if (item) found.push({ origin: storageKey.origin, value: item.value });
  }
  return found;
}

/** The sessionStorage of every frame of the page (it lives in the tab, so it is read tab by tab). */
export async function readSessionStorage(cdp: CDPSession): Promise<{ origin: string; items: StorageItem[] }[]> {
  const found: { origin: string; items: StorageItem[] }[] = [];
  for (const storageKey of await storageKeys(cdp)) {
    const items = await itemsOf(cdp, storageKey, "sessionStorage");
    if (items.length > 0) found.push({ origin: storageKey.origin, items });
  }
  return found;
}
