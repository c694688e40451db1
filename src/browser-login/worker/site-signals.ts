import type { BrowserSession } from "../../browser/browser-adapter.ts";
import type { SecondFactorFacts } from "../../credentials/credential-metadata-schema.ts";
import type { TotpSecret } from "../../credentials/totp-secret.ts";
import type { BrowserLoginProvider } from "../../providers/provider-schema.ts";
import type { BlockedCode, BlockedCondition } from "../../providers/site-conditions.ts";
import { type FirstInput, watchFirstInput } from "./first-input.ts";
import { createPageConditionWatcher } from "./page-conditions.ts";
import { createPageDevTools } from "./page-devtools.ts";
import { fillTotpStep, type TotpStepRun, type TotpStepState } from "./totp-step.ts";

/**
 * What a site says on the way to a login besides success: a one-time-code step (filled from the
 * credential's TOTP secret), a page that means the login cannot go on (the provider's `blocked`
 * conditions), and whether the person has used the page yet (rejections count only after that).
 * One set of DevTools connections and one condition watcher serve all three.
 */
export interface SiteSignals {
  readonly firstInput: FirstInput;
  /** The one-time-code step, when the provider declares one. */
  readonly totp: TotpStepRun | undefined;
  stop(): Promise<void>;
}

/** Why a session ends on a blocked condition: the provider's words, or these. */
export const BLOCKED_MESSAGES: Record<BlockedCode, string> = {
  bot_detected:
    "The site judged the browser to be automated and would not go on with the login; try again later, or ask the operator to look at the browser's identity settings",
  captcha_blocked: "The site put a CAPTCHA wall in front of the login that cannot be passed from here",
  account_locked: "The site says the account is locked: unlock it with the site first, then start a new login",
  credentials_invalid:
    "The site says these credentials cannot log in (not a typing mistake): check the account with the site",
  unsupported_auth_method:
    "The site offers only a way of signing in that a browser run for you cannot use (a passkey or security key on your own device)",
};

/** What a TOTP secret gives the step: the secret unless a code from it was turned down (it is then the person's to fix). */
export function usableTotp(
  secret: TotpSecret | undefined,
  facts: SecondFactorFacts | undefined,
): { secret?: TotpSecret; lastUsedAt?: string } {
  if (!secret) return {};
  const same = facts?.setAt === secret.setAt ? facts : undefined;
  if (same?.rejectedAt) return {};
  return { secret, lastUsedAt: same?.lastUsedAt };
}

export interface LoginSignalOptions {
  totp?: { secret?: TotpSecret; lastUsedAt?: string };
  onBlocked(blocked: { code: BlockedCode; message: string }): void;
  onTotpState?(state: TotpStepState, at: number): void;
  /** How often conditions on what a page shows are read again (no event says a page drew something new). */
  pollMs?: number;
}

/** Starts watching a login session's pages for the provider's code step and blocked conditions, and for the person's first input. */
export function watchSiteSignals(
  session: BrowserSession,
  provider: BrowserLoginProvider,
  options: LoginSignalOptions,
): SiteSignals {
  const devtools = createPageDevTools(session);
  const watcher = createPageConditionWatcher(session, devtools, { pollMs: options.pollMs });
  // Only rejections need the person's first input: a provider without failure rules has none to judge.
  const judgesRejections = provider.failureUrls.length > 0 || provider.failureResponses.length > 0;
  const firstInput = judgesRejections ? watchFirstInput(session, devtools) : { happenedBefore: () => true, stop() {} };
  for (const blocked of provider.blocked)
    watcher.watch(blocked.when, () => options.onBlocked({ code: blocked.code, message: messageOf(blocked) }));
  const totp = provider.totp
    ? fillTotpStep(devtools, watcher, provider.totp, { ...options.totp, onState: options.onTotpState })
    : undefined;
  return {
    firstInput,
    totp,
    async stop() {
      totp?.stop();
      firstInput.stop();
      watcher.stop();
      await devtools.close();
    },
  };
}

const messageOf = (blocked: BlockedCondition) => blocked.message ?? BLOCKED_MESSAGES[blocked.code];
