import { type AddressPolicy, createAddressPolicy } from "../../network/address-policy.ts";
import type { SessionError, SessionRecord } from "../sessions/session-record.ts";

/** What the worker enforces on a session at a client's own login URL. */
export interface ClientUrlRules {
  /** Hosts whose state is captured when the provider names no origins. */
  allowedHosts: string[];
  /** Every request of the browser obeys it (through the egress proxy); absent where it refuses nothing or cannot apply. */
  addressPolicy?: AddressPolicy;
}

export const POLICY_MISSING: SessionError = {
  code: "login_url_policy_missing",
  message:
    "The session starts at a client-supplied login URL but carries no login URL policy (started by an older API, or its provider's login URL changed since); start a new login session",
};

/**
 * The rules of a session at a client's own login URL, from the session record: the API stored the
 * rules it checked the URL against, so the worker needs no settings of its own (a worker without
 * CLIENT_LOGIN_URLS enforces them all the same). Undefined for the provider's own URL; `refused`
 * for a client URL that came without its rules. The address policy is enforced in the browser where
 * it can refuse something (private addresses not allowed) and where the browser runs on our network
 * (local adapter); Browserbase's browsers do not reach ours (docs/egress.md).
 */
export function clientUrlRules(
  record: SessionRecord,
  provider: { loginUrl: string },
  adapterKind: string,
): ClientUrlRules | { refused: SessionError } | undefined {
  const rules = record.loginUrlPolicy;
  if (!rules) return record.loginUrl === provider.loginUrl ? undefined : { refused: POLICY_MISSING };
  const enforce = !rules.allowPrivateAddresses && adapterKind === "local";
  return {
    allowedHosts: rules.allowedHosts,
    addressPolicy: enforce
      ? createAddressPolicy({ allowPrivateAddresses: false, privateAllowedFor: rules.privateAllowedFor })
      : undefined,
  };
}
