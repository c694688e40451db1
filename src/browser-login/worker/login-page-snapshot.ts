import { createHmac, randomBytes } from "node:crypto";
import type { BrowserSession, CaptureOptions } from "../../browser/browser-adapter.ts";
import { waitAtMost } from "../../core/deadline.ts";
import type { CapturedState } from "../../credentials/captured-state.ts";

export const NOTHING_GAINED =
  "No cookie or storage value is new or changed since the login page loaded: the login may not have happened";

/**
 * The cookies and storage a session had once its login page loaded, kept as keyed digests (never
 * the values: the key lives only in this object), so that the capture can tell whether the login gained anything.
 */
export interface LoginPageSnapshot {
  /** Settles once the snapshot is taken, or could not be. */
  readonly taken: Promise<void>;
  /**
   * Why the capture is suspect when it holds nothing new or changed; undefined when it does, or when
   * there is no snapshot to compare with (it failed, or is still being read after `waitMs`: a hung
   * read must not hold the capture).
   */
  suspectReason(captured: CapturedState, waitMs?: number): Promise<string | undefined>;
}

/**
 * Starts reading the session's state without waiting for it: the runner takes it as the login page
 * is shown, and the read is done long before anyone has typed a password.
 */
export function snapshotLoginPage(session: BrowserSession, options: CaptureOptions): LoginPageSnapshot {
  const key = randomBytes(32);
  let before: Set<string> | undefined;
  const taken = session.capture({ ...options, indexedDB: false }).then(
    (state) => {
      before = new Set(digests(state, key));
    },
    () => {},
  );
  return {
    taken,
    async suspectReason(captured, waitMs = 2_000) {
      // On a loaded machine a quick login can beat the snapshot: give it a moment, never more.
      await waitAtMost(taken, waitMs);
      if (!before) return undefined;
      const seen = before;
      return digests(captured, key).some((d) => !seen.has(d)) ? undefined : NOTHING_GAINED;
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
