import type { Page } from "@browserbasehq/stagehand";
import type { StorageItem } from "../../credentials/captured-state.ts";
import type { StorageArea, StorageValue } from "../browser-adapter.ts";

/** Web storage of one frame, as read inside it. */
export interface FrameStorage {
  origin: string;
  localStorage: StorageItem[];
  sessionStorage: StorageItem[];
}

// Expressions rather than functions: they run in the page, and need no DOM typings here.
const READ_FRAME_STORAGE = `(() => {
  const dump = (s) => { const out = []; for (let i = 0; i < s.length; i++) { const k = s.key(i); out.push({ name: k, value: s.getItem(k) ?? "" }); } return out; };
  let local = [], session = [];
  try { local = dump(localStorage); } catch {}
  try { session = dump(sessionStorage); } catch {}
  return { origin: location.origin, localStorage: local, sessionStorage: session };
})()`;

const readValue = (area: StorageArea, key: string) => `(() => {
  try { return { origin: location.origin, value: window[${JSON.stringify(area)}].getItem(${JSON.stringify(key)}) }; }
  catch { return { origin: location.origin, value: null }; }
})()`;

/** `key` in the main frame of each page, like the local adapter. */
export async function readStorageValue(pages: Page[], area: StorageArea, key: string): Promise<StorageValue[]> {
  const values = await Promise.all(
    pages.map((page) =>
      page
        .evaluate<{ origin: string; value: string | null }>(readValue(area, key))
        .catch(() => ({ origin: "", value: null })),
    ),
  );
  return values.filter((v): v is StorageValue => v.value !== null && v.origin !== "null" && v.origin !== "");
}

/**
 * Storage of every frame of every page. sessionStorage belongs to the tab, so it can only be read
 * where it is; localStorage read here is authoritative for the origins open now.
 */
export async function readFrameStorage(pages: Page[]): Promise<FrameStorage[]> {
  const perFrame = await Promise.all(
    pages.flatMap((page) =>
      page.frames().map((frame) => frame.evaluate<FrameStorage>(READ_FRAME_STORAGE).catch(() => undefined)),
    ),
  );
  return perFrame.filter((f): f is FrameStorage => !!f && f.origin !== "null" && /^https?:/.test(f.origin));
}
