import type { SuccessCondition } from "./provider-schema.ts";

/**
 * Whether a success condition already holds on the login page itself, before the user did anything:
 * its URL leaves are tested against the login URL, and every cookie, storage and response leaf
 * counts as not yet seen (they only count when something changes after the page loaded).
 * Real apps show their login form at the dashboard's URL: such a condition "succeeds" at once.
 */
export function holdsAtLoginUrl(condition: SuccessCondition, loginUrl: string): boolean {
  if ("all" in condition) return condition.all.every((c) => holdsAtLoginUrl(c, loginUrl));
  if ("any" in condition) return condition.any.some((c) => holdsAtLoginUrl(c, loginUrl));
  if ("url" in condition) return condition.url.test(loginUrl);
  return false;
}

/** What an operator adds to such a condition. */
export const LOGIN_URL_RULE_FIX =
  'add a cookie or storage leaf that only a login sets (with "all"), e.g. { "cookie": { "name": "<session cookie>" } }; ' +
  "if the site also shows its logged-in URL for a moment before redirecting logged-out visitors, set settleMs";

/** Why the condition cannot be used from this login URL; undefined when it waits for something real. */
export function loginUrlRuleViolation(condition: SuccessCondition, loginUrl: string): string | undefined {
  if (!holdsAtLoginUrl(condition, loginUrl)) return undefined;
  return (
    `the success condition already holds at the login URL ${loginUrl}: its URL patterns match it and it waits for no cookie, ` +
    `storage key or response, so a session would complete the moment the login page loads, with a useless credential`
  );
}
