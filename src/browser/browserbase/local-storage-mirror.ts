import type { StorageItem } from "../../credentials/captured-state.ts";

/** What DevTools says about a storage area in its DOMStorage events. */
export interface DomStorageId {
  securityOrigin?: string;
  storageKey?: string;
  isLocalStorage: boolean;
}

/**
 * localStorage of every origin the session wrote to, kept from DevTools' DOMStorage events.
 * DevTools reads an origin's storage only while one of its frames is open, and a login passes
 * through origins (an SSO) that are gone by the time the state is captured: their writes are
 * remembered here as they happen.
 */
export interface LocalStorageMirror {
  added(storageId: DomStorageId, key: string, value: string): void;
  removed(storageId: DomStorageId, key: string): void;
  cleared(storageId: DomStorageId): void;
  /** Replaces what is known of an origin with a full read of it. */
  replace(origin: string, items: StorageItem[]): void;
  origins(): string[];
  items(origin: string): StorageItem[];
}

export function createLocalStorageMirror(): LocalStorageMirror {
  const byOrigin = new Map<string, Map<string, string>>();
  const areaOf = (storageId: DomStorageId) => {
    if (!storageId.isLocalStorage) return undefined;
    const origin = originOf(storageId);
    if (!origin) return undefined;
    let area = byOrigin.get(origin);
    if (!area) {
      area = new Map();
      byOrigin.set(origin, area);
    }
    return area;
  };
  return {
    added: (storageId, key, value) => void areaOf(storageId)?.set(key, value),
    removed: (storageId, key) => void areaOf(storageId)?.delete(key),
    cleared: (storageId) => void areaOf(storageId)?.clear(),
    replace(origin, items) {
      byOrigin.set(origin, new Map(items.map((i) => [i.name, i.value])));
    },
    origins: () => [...byOrigin].filter(([, area]) => area.size > 0).map(([origin]) => origin),
    items: (origin) => [...(byOrigin.get(origin) ?? [])].map(([name, value]) => ({ name, value })),
  };
}

function originOf(storageId: DomStorageId): string | undefined {
  const raw = storageId.securityOrigin || storageId.storageKey;
  if (!raw) return undefined;
  try {
    const origin = new URL(raw).origin;
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
}
