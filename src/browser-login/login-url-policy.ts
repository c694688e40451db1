import { ApiError } from "../http/errors.ts";
import { type AddressPolicy, createAddressPolicy } from "../network/address-policy.ts";
import { hostAllowed } from "../network/host-allowlist.ts";
import type { LoginUrlRules } from "./sessions/session-record.ts";

/**
 * Whether a client may point a login session at a URL of its own. Off unless the operator turns
 * it on; then only http(s), only hosts on the allowlist, and never a private or loopback address
 * (what the host resolves to is checked too, by the address policy the worker's browser obeys as well).
 */
export interface LoginUrlPolicyOptions {
  enabled: boolean;
  /** Exact hosts, or `*.example.com` for subdomains. */
  allowedHosts: string[];
  allowPrivateAddresses: boolean;
  /** `host:port` pairs that may resolve to private addresses anyway. */
  privateAllowedFor?: string[];
}

/** Checks a URL (the URL to use, or a 422); `rules`: what a session started on one carries to the worker. */
export type LoginUrlPolicy = ((url: string) => Promise<string>) & { readonly rules: LoginUrlRules };

export function createLoginUrlPolicy(
  options: LoginUrlPolicyOptions,
  addresses: AddressPolicy = createAddressPolicy(options),
): LoginUrlPolicy {
  const refuse = (message: string) => new ApiError(422, "login_url_not_allowed", message);
  const rules: LoginUrlRules = {
    allowedHosts: options.allowedHosts,
    allowPrivateAddresses: options.allowPrivateAddresses,
    privateAllowedFor: options.privateAllowedFor ?? [],
  };

  const check = async (raw: string) => {
    if (!options.enabled)
      throw refuse("This server does not accept client-supplied login URLs; use the provider's own");
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw refuse("loginUrl is not a valid URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw refuse(`loginUrl must be http or https, not ${url.protocol}`);
    if (url.username || url.password) throw refuse("loginUrl must not carry credentials");
    const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
    if (!hostAllowed(options.allowedHosts, host))
      throw refuse(`The host ${host} is not on this server's login URL allowlist`);
    const decision = await addresses.resolve(host, Number(url.port || (url.protocol === "https:" ? 443 : 80)));
    if (!decision.ok) throw refuse(`The host ${decision.reason}`);
    return url.toString();
  };
  return Object.assign(check, { rules });
}
