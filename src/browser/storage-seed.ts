import type { CapturedState, StorageItem } from "../credentials/captured-state.ts";
import { BrowserAdapterError } from "./browser-adapter.ts";

/** A captured state's web storage by origin, as the seeding script receives it. */
export type StorageSeed = Record<string, { localStorage: StorageItem[]; sessionStorage: StorageItem[] }>;

export function storageSeedOf(state: CapturedState): StorageSeed {
  return Object.fromEntries(
    state.origins
      .filter((o) => o.localStorage.length > 0 || o.sessionStorage.length > 0)
      .map((o) => [o.origin, { localStorage: o.localStorage, sessionStorage: o.sessionStorage }]),
  );
}

/**
 * Runs in each page before the page's own scripts (an init script, in every adapter): fills the
 * captured localStorage and sessionStorage of the page's origin, but only into an area that is still
 * empty, so that a later navigation never overwrites what the site has written since.
 */
export function fillStorageFromSeed(seed: StorageSeed): void {
  const entry = seed[location.origin];
  if (!entry) return;
  const fill = (area: Storage, items: { name: string; value: string }[]) => {
    if (items.length === 0 || area.length > 0) return;
    for (const { name, value } of items) area.setItem(name, value);
  };
  try {
    fill(localStorage, entry.localStorage);
    fill(sessionStorage, entry.sessionStorage);
  } catch {
    // Storage refused (sandboxed frame, opaque origin): nothing to seed there.
  }
}

/** The browser would not take the seed's cookies. Its own message may quote one: only the count is said. */
export function seedRejected(cookies: number): BrowserAdapterError {
  return new BrowserAdapterError(
    "seed_rejected",
    `The browser refused the stored state's cookies (${cookies}); the credential may be damaged`,
  );
}
