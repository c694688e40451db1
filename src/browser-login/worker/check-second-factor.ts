import type { BrowserSession } from "../../browser/browser-adapter.ts";
import type { Subject } from "../../core/subject.ts";
import type { CheckStatus, CredentialMetadata } from "../../credentials/credential-metadata-schema.ts";
import type { CredentialSecret } from "../../credentials/credential-secret.ts";
import type { CredentialVault } from "../../credentials/credential-vault.ts";
import type { BrowserLoginProvider } from "../../providers/provider-schema.ts";
import type { BlockedCode } from "../../providers/site-conditions.ts";
import { usableTotp, watchSiteSignals } from "./site-signals.ts";
import { isFailureResponse } from "./success-watcher.ts";
import type { TotpStepState } from "./totp-step.ts";

/**
 * The second-factor side of a credential check (src/credential-checks/), kept here beside the
 * login's: while the check's page is open, the provider's code step is filled from the credential's
 * TOTP secret (a site that keeps the device remembered but asks for a code for a new session), and a
 * blocked condition is noted. The check asks `busy()` before it trusts a logged-out page (a code
 * being typed moves the page on), and `finish()` records what was learnt on the credential (the
 * code's time, or the site turning it down) and says what it means for the check, if anything.
 */
export interface CheckSecondFactor {
  /**
   * Whether the check should look at the page again: once after a code was typed (the page it leads to
   * decides). While a code is being typed (a fresh one may be a period away), waits for it first.
   */
  lookAgain(signal: AbortSignal): Promise<boolean>;
  /**
   * Aborted once the page has decided the check whatever else shows: a code asked for with nothing to
   * type (a check has no person), a code turned down, or a blocked page. The check stops waiting then.
   */
  readonly decisive: AbortSignal;
  /** Stops watching; records the code's use or rejection; a verdict that replaces the check's when the step decided it. */
  finish(decided: { status: CheckStatus }): Promise<{ status: CheckStatus; reason: string } | undefined>;
}

export interface CheckSecondFactorDeps {
  vault: Pick<CredentialVault, "updateMetadata">;
  /** How often the code step and blocked conditions are read (default 500 ms). */
  pollMs?: number;
}

export function watchCheckSecondFactor(
  session: BrowserSession,
  provider: BrowserLoginProvider,
  credential: { metadata: CredentialMetadata; secret: CredentialSecret; owner: Subject },
  deps: CheckSecondFactorDeps,
): CheckSecondFactor {
  const totp = credential.secret.kind === "browser_login" ? credential.secret.totp : undefined;
  let blocked: { code: BlockedCode; message: string } | undefined;
  let lastState: TotpStepState | undefined;
  /** Wakes whoever waits for the code step to move on. */
  let wake = () => {};
  const decisive = new AbortController();
  const signals = watchSiteSignals(session, provider, {
    totp: usableTotp(totp, credential.metadata.secondFactor),
    pollMs: deps.pollMs,
    onBlocked(found) {
      blocked ??= found;
      decisive.abort();
    },
    onTotpState(state) {
      lastState = state;
      if (state === "required" || state === "rejected") decisive.abort();
      wake();
    },
  });
  // A check has no person: a failure the site answers after a typed code is the code's.
  const unsubscribe = session.onEvent((event) => {
    if (event.type !== "navigated" && event.type !== "response") return;
    const rejected =
      event.type === "navigated"
        ? provider.failureUrls.some((p) => p.test(event.url))
        : provider.failureResponses.some((f) => isFailureResponse(f, event));
    if (rejected) signals.totp?.rejectedBySite();
  });
  let lookedAgain = false;

  return {
    decisive: decisive.signal,
    async lookAgain(signal) {
      while (lastState === "filling" && !signal.aborted) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          signal.addEventListener("abort", () => resolve(), { once: true });
        });
      }
      if (lastState !== "filled" || lookedAgain || signal.aborted) return false;
      lookedAgain = true;
      return true;
    },
    async finish(decided) {
      unsubscribe();
      const state = signals.totp?.state;
      const filledAt = signals.totp?.filledAt;
      await signals.stop();
      const facts = {
        ...(filledAt ? { lastUsedAt: new Date(filledAt).toISOString() } : {}),
        ...(state === "rejected" ? { rejectedAt: new Date().toISOString() } : {}),
      };
      if (totp && Object.keys(facts).length > 0)
        await deps.vault
          .updateMetadata(
            credential.metadata.id,
            (m) => (m.secondFactor?.setAt === totp.setAt ? { secondFactor: { ...m.secondFactor, ...facts } } : {}),
            credential.owner,
          )
          .catch(() => {});
      if (blocked)
        return { status: "inconclusive", reason: `The site blocked the check (${blocked.code}): ${blocked.message}` };
      if (state === "rejected")
        return {
          status: "needs_reauth",
          reason:
            "totp_rejected: the site turned down the one-time code made from the stored TOTP secret; no code is typed from it again until a new secret is stored",
        };
      if (state === "required" && decided.status !== "active")
        return {
          status: "needs_reauth",
          reason: totp
            ? "totp_required: the site asked for a one-time code, and the stored TOTP secret is not used (the site turned it down before)"
            : "totp_required: the site asked for a one-time code and no TOTP secret is stored (PUT /credentials/{id}/totp)",
        };
      return undefined;
    },
  };
}
