import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { ApiError } from "./api-error.js";

/**
 * Whether a client may point a login session at a URL of its own. Off unless the operator turns
 * it on; then only http(s), only hosts on the allowlist, and never a private or loopback address
 * (what the host resolves to is checked too) unless the operator allows that as well.
 */
export interface LoginUrlPolicyOptions {
  enabled: boolean;
  /** Exact hosts, or `*.example.com` for subdomains. */
  allowedHosts: string[];
  allowPrivateAddresses: boolean;
}

export type LoginUrlPolicy = (url: string) => Promise<string>;

const PRIVATE = new BlockList();
for (const [net, prefix] of [["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.168.0.0", 16], ["224.0.0.0", 4], ["240.0.0.0", 4]] as const) {
  PRIVATE.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8]] as const) {
  PRIVATE.addSubnet(net, prefix, "ipv6");
}

function isPrivate(address: string): boolean {
  const mapped = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)?.[1];
  if (mapped) return PRIVATE.check(mapped, "ipv4");
  return PRIVATE.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

export function createLoginUrlPolicy(options: LoginUrlPolicyOptions): LoginUrlPolicy {
  const refuse = (message: string) => new ApiError(422, "login_url_not_allowed", message);
  const hostAllowed = (host: string) =>
    options.allowedHosts.some((allowed) => (allowed.startsWith("*.") ? host.endsWith(allowed.slice(1)) : host === allowed));

  return async (raw) => {
    if (!options.enabled) throw refuse("This server does not accept client-supplied login URLs; use the provider's own");
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw refuse("loginUrl is not a valid URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw refuse(`loginUrl must be http or https, not ${url.protocol}`);
    if (url.username || url.password) throw refuse("loginUrl must not carry credentials");
    const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
    if (!hostAllowed(host)) throw refuse(`The host ${host} is not on this server's login URL allowlist`);
    if (!options.allowPrivateAddresses) {
      const addresses = isIP(host) ? [host] : await lookup(host, { all: true }).then((r) => r.map((a) => a.address), () => []);
      if (addresses.length === 0) throw refuse(`The host ${host} does not resolve`);
      if (host === "localhost" || addresses.some(isPrivate)) throw refuse(`The host ${host} is a private or loopback address`);
    }
    return url.toString();
  };
}
