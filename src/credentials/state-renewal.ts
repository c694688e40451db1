import type { Subject } from "../core/subject.ts";
import type { CapturedState } from "./captured-state.ts";
import { type MergeScope, mergeCapturedState, sameState } from "./captured-state-merge.ts";
import type { CredentialEvents } from "./credential-events.ts";
import type { CredentialMetadata, RenewedBy } from "./credential-metadata-schema.ts";
import type { CredentialVault } from "./credential-vault.ts";

/** What storing a browser's state in place came to. */
export type RenewalOutcome =
  /** A newer state is stored: same id, version + 1; `credential.renewed` fired. */
  | { outcome: "renewed"; metadata: CredentialMetadata }
  /** The browser changed nothing: nothing written, the version stays. */
  | { outcome: "unchanged" }
  /** Someone stored a newer version since `basedOn` (a re-login, a check, another check-in): nothing written. */
  | { outcome: "stale"; currentVersion: number }
  | { outcome: "missing" };

export interface RenewalInput {
  id: string;
  owner: Subject;
  /** The version the browser was opened on, and its state (the merge keeps what the browser could not see). */
  basedOn: { version: number; state: CapturedState };
  /** What the browser holds now. */
  captured: CapturedState;
  scope?: MergeScope;
  by: RenewedBy;
  /** Clear facts written with the new version (status, lastVerifiedAt...); the caller writes its own when nothing was stored. */
  details?: Partial<CredentialMetadata>;
  /** Store a new version even when the state is the same (a re-login's capture is a new login). */
  always?: boolean;
  suspectReason?: string;
}

/**
 * Stores what a browser opened on a stored credential left behind, in place: merged into the
 * version it started from (mergeCapturedState), sealed as the next version only while the
 * credential is still at that version (compare-and-swap: a newer login is never overwritten).
 * Checks, re-logins, kept-alive browsers and apps' check-ins all renew through here, so a site that
 * rotates its session on every request never loses the token our own visit made it issue.
 */
export async function renewInPlace(
  deps: { vault: CredentialVault; events?: CredentialEvents },
  input: RenewalInput,
): Promise<RenewalOutcome> {
  const { id, owner, basedOn, by } = input;
  const merged = mergeCapturedState(basedOn.state, input.captured, input.scope);
  if (!input.always && sameState(merged, basedOn.state)) return { outcome: "unchanged" };
  const result = await deps.vault.replace(
    id,
    {
      secret: { kind: "browser_login", state: merged },
      expectedVersion: basedOn.version,
      suspectReason: input.suspectReason,
      details: { ...input.details, lastRenewal: { at: new Date().toISOString(), by } },
    },
    owner,
  );
  if (result.outcome === "changed") {
    const current = await deps.vault.describe(id, owner);
    return current ? { outcome: "stale", currentVersion: current.version } : { outcome: "missing" };
  }
  if (result.outcome !== "replaced") return { outcome: "missing" };
  await deps.events?.appendCredentialEvent("credential.renewed", owner, result.metadata);
  return { outcome: "renewed", metadata: result.metadata };
}
