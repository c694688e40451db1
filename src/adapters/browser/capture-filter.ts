import type { CapturedState, Cookie } from "../../credentials/captured-state.js";

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

function cookieMatchesHost(cookie: Cookie, host: string): boolean {
  const domain = cookie.domain.replace(/^\./, "");
  return host === domain || host.endsWith(`.${domain}`);
}
