import type { Logger } from "pino";
import type { BrowserSession } from "../../browser/browser-adapter.ts";
import type { Subject } from "../../core/subject.ts";
import type { CapturedState } from "../../credentials/captured-state.ts";
import type { CredentialEvents } from "../../credentials/credential-events.ts";
import type { RenewedBy } from "../../credentials/credential-metadata-schema.ts";
import type { CredentialVault } from "../../credentials/credential-vault.ts";
import { renewInPlace } from "../../credentials/state-renewal.ts";
import type { BrowserLoginProvider } from "../../providers/provider-schema.ts";

/** How long a run that is ending may spend reading what its browser holds. */
const WRITE_BACK_READ_MS = 3_000;

export interface WriteBackTarget {
  id: string;
  owner: Subject;
  by: RenewedBy;
  /**
   * The version the browser started from: its state when the run holds it (a re-login's seed), or
   * only its number (a kept-alive browser, opened on its own capture): the state is then read again,
   * and nothing is written when a newer version is stored.
   */
  basedOn: { version: number; state?: CapturedState };
}

/**
 * Stores what a browser opened on a stored credential holds now, in place (merged, compare-and-swap
 * on the version it started from): a re-login that ended without a capture, a kept-alive browser
 * that closes. The site may have rotated the session in it; closing it without this would spend the
 * credential. Best effort, within a bound: a browser that no longer answers keeps nothing.
 */
export async function writeBackBrowserState(
  deps: { vault: CredentialVault; events?: CredentialEvents; logger: Logger },
  browser: BrowserSession,
  provider: BrowserLoginProvider,
  target: WriteBackTarget,
): Promise<void> {
  const captured = await within(
    browser.capture({ origins: provider.origins, indexedDB: provider.captureIndexedDB }),
    WRITE_BACK_READ_MS,
  );
  if (!captured) return;
  let state = target.basedOn.state;
  if (!state) {
    const current = await deps.vault.describe(target.id, target.owner);
    if (current?.version !== target.basedOn.version) return;
    const opened = await deps.vault.open(target.id, target.owner, { purpose: `${target.by}_write_back` });
    if (opened?.secret.kind !== "browser_login") return;
    state = opened.secret.state;
  }
  const result = await renewInPlace(deps, {
    id: target.id,
    owner: target.owner,
    basedOn: { version: target.basedOn.version, state },
    captured,
    scope: { origins: provider.origins, visitedOrigins: browser.visitedOrigins?.() },
    by: target.by,
  });
  if (result.outcome === "renewed")
    deps.logger.info(
      { credentialId: target.id, version: result.metadata.version, by: target.by },
      "kept what the site changed in the browser",
    );
}

/**
 * The write-back a run owes while its browser holds a stored credential the site may have changed (a
 * re-login's seed, a kept-alive browser): set when the browser opens on it, taken when the run stores
 * a capture of its own, and run before the browser closes, whatever ends the run.
 */
export function writeBackOnClose(deps: { vault: CredentialVault; events?: CredentialEvents; logger: Logger }) {
  let pending: (() => Promise<void>) | undefined;
  return {
    /** From now on, closing `browser` stores what it holds into `target`. */
    set(browser: BrowserSession, provider: BrowserLoginProvider, target: WriteBackTarget) {
      pending = () => writeBackBrowserState(deps, browser, provider, target).catch(() => {});
    },
    /** The write-back owed, if any; none is owed after. */
    take(): (() => Promise<void>) | undefined {
      const owed = pending;
      pending = undefined;
      return owed;
    },
  };
}

export type WriteBackOnClose = ReturnType<typeof writeBackOnClose>;

/** The work's result within `ms`, or undefined. */
async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}
