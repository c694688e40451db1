import type { Cookie } from "../credentials/captured-state.ts";

/**
 * The `Cookie` header a browser would send to `url` from these cookies (RFC 6265 domain and path
 * matching, secure cookies over https only, expired ones left out). For the HTTP credential check.
 */
export function cookieHeaderFor(cookies: Cookie[], url: URL, nowSeconds = Date.now() / 1000): string {
  const host = url.hostname;
  return (
    cookies
      .filter((c) => c.expires <= 0 || c.expires > nowSeconds)
      .filter((c) => !c.secure || url.protocol === "https:")
      .filter((c) => {
        const domain = c.domain.replace(/^\./, "");
        return host === domain || (c.domain.startsWith(".") && host.endsWith(`.${domain}`));
      })
      .filter((c) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`))
      // Longer paths first, as browsers send them.
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join("; ")
  );
}
