import type { BrowserLoginProvider, VerifyDeclaration } from "../providers/provider-schema.ts";

/** How a credential of a provider is checked: the provider's own `verify`, or the default check. */
export interface CheckPlan extends VerifyDeclaration {
  /**
   * The default check (a provider without `verify`): the login URL opened logged in, judged by the
   * success condition; a cookie or storage leaf holds when the site wrote a value other than the
   * stored one (a seeded value is there whatever the site thinks of it). Nothing held in time:
   * `inconclusive`, never `expired`.
   */
  isDefault: boolean;
}

/** `defaultTimeoutMs`: how long the default check waits for the logged-in condition (DEFAULT_CHECK_TIMEOUT_MS). */
export function checkPlanFor(provider: BrowserLoginProvider, defaultTimeoutMs = 15_000): CheckPlan {
  if (provider.verify) return { ...provider.verify, isDefault: false };
  return {
    url: provider.loginUrl,
    loggedIn: provider.success,
    settleMs: provider.settleMs,
    timeoutMs: defaultTimeoutMs,
    isDefault: true,
  };
}
