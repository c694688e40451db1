import { createHmac, randomBytes } from "node:crypto";
import type { BrowserSession, CaptureOptions } from "../adapters/browser/browser-adapter.js";
import type { CapturedState } from "../credentials/captured-state.js";

export const NOTHING_GAINED =
  "No cookie or storage value is new or changed since the login page loaded: the login may not have happened";

/**
 * The cookies and storage a session had once its login page loaded, kept as keyed digests (never
 * the values: the key lives only in this object), so that the capture can tell whether the login gained anything.
 */
export interface LoginPageSnapshot {
  /** Why the capture is suspect when it holds nothing new or changed; undefined when it does, or when no snapshot could be taken. */
  suspectReason(captured: CapturedState): Promise<string | undefined>;
}

/**
 * Starts reading the session's state without waiting for it: the runner takes it as the login page
 * is shown, and the read is done long before anyone has typed a password.
 */
export function snapshotLoginPage(session: BrowserSession, options: CaptureOptions): LoginPageSnapshot {
  const key = randomBytes(32);
  const taken = session.capture({ ...options, indexedDB: false }).then(
    (state) => new Set(digests(state, key)),
    () => undefined,
  );
  return {
    async suspectReason(captured) {
      const before = await taken;
      if (!before) return undefined;
      return digests(captured, key).some((d) => !before.has(d)) ? undefined : NOTHING_GAINED;
    },
  };
}

/** One digest per cookie and storage item, over what identifies it and its value: a new or changed item has a new digest. */
function digests(state: CapturedState, key: Buffer): string[] {
  const digest = (...parts: string[]) => createHmac("sha256", key).update(JSON.stringify(parts)).digest("base64");
  return [
    ...state.cookies.map((c) => digest("cookie", c.name, c.domain.replace(/^\./, ""), c.path, c.value)),
    ...state.origins.flatMap((o) => [
      ...o.localStorage.map((i) => digest("localStorage", o.origin, i.name, i.value)),
      ...o.sessionStorage.map((i) => digest("sessionStorage", o.origin, i.name, i.value)),
    ]),
  ];
}
