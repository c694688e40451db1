import { CookieJar, MemoryCookieStore, Cookie as ToughCookie } from "tough-cookie";
import type { Cookie } from "../credentials/captured-state.ts";

/**
 * The cookies after a response's `Set-Cookie` headers, as a browser would apply them (RFC 6265, by
 * tough-cookie: domain and path rules, host-only cookies, Max-Age and Expires, deletions by an
 * expiry in the past). The HTTP check gets its rotated session cookie this way, so that the check
 * that made the site issue it does not throw it away.
 */
export async function applySetCookies(cookies: Cookie[], url: URL, headers: string[]): Promise<Cookie[]> {
  if (headers.length === 0) return cookies;
  const store = new MemoryCookieStore();
  const jar = new CookieJar(store, { looseMode: true });
  for (const c of cookies) await store.putCookie(toTough(c));
  for (const header of headers) await jar.setCookie(header, url.href, { ignoreError: true });
  const now = Date.now();
  return (await store.getAllCookies())
    .filter((c) => {
      const expiry = c.expiryTime();
      return expiry === undefined || expiry > now;
    })
    .map(fromTough);
}

function toTough(c: Cookie): ToughCookie {
  const hostOnly = !c.domain.startsWith(".");
  return new ToughCookie({
    key: c.name,
    value: c.value,
    domain: c.domain.replace(/^\./, ""),
    hostOnly,
    path: c.path,
    expires: c.expires > 0 ? new Date(c.expires * 1000) : "Infinity",
    secure: c.secure,
    httpOnly: c.httpOnly,
    sameSite: c.sameSite.toLowerCase(),
  });
}

const SAME_SITE = { strict: "Strict", lax: "Lax", none: "None" } as const;

function fromTough(c: ToughCookie): Cookie {
  const expiry = c.expiryTime();
  const domain = c.domain ?? "";
  return {
    name: c.key,
    value: c.value,
    domain: c.hostOnly ? domain : `.${domain}`,
    path: c.path ?? "/",
    expires: expiry === undefined || expiry === Number.POSITIVE_INFINITY ? -1 : expiry / 1000,
    httpOnly: c.httpOnly,
    secure: c.secure,
    sameSite: SAME_SITE[(c.sameSite ?? "lax").toLowerCase() as keyof typeof SAME_SITE] ?? "Lax",
  };
}
