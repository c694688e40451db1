import type { CapturedState, Cookie } from "../credentials/captured-state.ts";
import { hostAllowed } from "../network/host-allowlist.ts";

/**
 * Keeps what belongs to the provider's origins: their storage, and the cookies a request to one of
 * them would carry (the cookie's domain is the origin's host or a parent of it).
 */
export function filterByOrigins(state: CapturedState, origins: string[] | undefined): CapturedState {
  if (!origins || origins.length === 0) return state;
  const wanted = new Set(origins.map((o) => new URL(o).origin));
  const hosts = [...wanted].map((o) => new URL(o).hostname);
  return {
    cookies: state.cookies.filter((cookie) => hosts.some((host) => cookieMatchesHost(cookie, host))),
    origins: state.origins.filter((o) => wanted.has(o.origin)),
  };
}

/**
 * Keeps what belongs to hosts of an allowlist (exact hosts, or `*.example.com` for subdomains):
 * their storage, and the cookies a request to one of them would carry.
 */
export function filterByHosts(state: CapturedState, allowedHosts: string[]): CapturedState {
  const allowed = (host: string) => hostAllowed(allowedHosts, host);
  // A cookie of `example.com` reaches `app.example.com` and every host under `*.example.com`.
  const reachesAllowed = (domain: string) =>
    allowed(domain) ||
    allowedHosts.some((entry) => {
      const host = entry.startsWith("*.") ? entry.slice(2) : entry;
      return host === domain || host.endsWith(`.${domain}`);
    });
  return {
    cookies: state.cookies.filter((cookie) => reachesAllowed(cookie.domain.replace(/^\./, ""))),
    origins: state.origins.filter((o) => allowed(new URL(o.origin).hostname.replace(/^\[|\]$/g, ""))),
  };
}

function cookieMatchesHost(cookie: Cookie, host: string): boolean {
  const domain = cookie.domain.replace(/^\./, "");
  return host === domain || host.endsWith(`.${domain}`);
}
