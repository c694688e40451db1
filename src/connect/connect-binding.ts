import { createHash, randomBytes } from "node:crypto";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { sameTag } from "../crypto/hmac-tag.ts";

/**
 * The cookie that binds a connect link to the browser that opened it first. Its value, a 256-bit
 * secret, is in that browser only; the link's use record holds its SHA-256, so what Redis holds
 * does not open the page. The cookie goes to the link's own path only (`/connect/<token>`): one per
 * link, sent with that link's requests and no others.
 *
 * SameSite: Lax, not Strict. A person arrives by a cross-site redirect from the app, and Strict
 * cookies are not sent on such a navigation, nor on a reload of the page it opened (the page would
 * then call the person a stranger). Lax still keeps the cookie off cross-site POSTs and fetches, and
 * a top-level GET of the page only shows it. Embedded (LIVE_VIEW_FRAME_ANCESTORS set) on https, the
 * app framing the page may be another site, where a Lax cookie is never sent: the cookie is then
 * `SameSite=None; Partitioned` (CHIPS), which browsers that block third-party cookies still keep,
 * in a jar of the app's top-level site. The binding is then to that browser *on that app's site*.
 */
export interface BindingCookie {
  /** The binding secret the request's cookie holds, if any and well formed. */
  read(c: Context): string | undefined;
  /** Sets the cookie holding `secret` for the link at `path`, until `until`. */
  set(c: Context, path: string, secret: string, until: Date): void;
}

/** A new binding secret, and the digest the link keeps of it. */
export function newBinding(): { secret: string; digest: string } {
  const secret = randomBytes(32).toString("base64url");
  return { secret, digest: bindingDigest(secret) };
}

const SECRET = /^[A-Za-z0-9_-]{43}$/;

export const bindingDigest = (secret: string) => createHash("sha256").update(secret).digest("hex");

/** Whether the cookie's secret is the one whose digest the link keeps (constant time). */
export function holdsBinding(secret: string | undefined, digest: string | undefined): boolean {
  if (!secret || !digest) return false;
  return sameTag(Buffer.from(bindingDigest(secret), "hex"), Buffer.from(digest, "hex"));
}

/**
 * A component link's binding travels in this header instead: the connect components run in the
 * app's page, on another site, where a cookie of ours would be a third-party cookie (blocked or
 * partitioned by browsers, and sent along with requests other pages make). The first open answers
 * the secret in its body, to the app's origin only (CORS); the components keep it in memory and
 * send it with each request. Nothing ambient: another page cannot make the browser send it.
 */
export const BINDING_HEADER = "x-connect-binding";

/** The binding secret a component's request presents in the header, if well formed. */
export function readBindingHeader(c: Context): string | undefined {
  const value = c.req.header(BINDING_HEADER);
  return value && SECRET.test(value) ? value : undefined;
}

export function bindingCookie({ secure, embedded }: { secure: boolean; embedded: boolean }): BindingCookie {
  // `__Secure-`: browsers take such a cookie only from https, with Secure.
  const name = secure ? "__Secure-blc_connect" : "blc_connect";
  const partitioned = secure && embedded;
  return {
    read(c) {
      const value = getCookie(c, name);
      return value && SECRET.test(value) ? value : undefined;
    },
    set(c, path, secret, until) {
      setCookie(c, name, secret, {
        path,
        httpOnly: true,
        secure,
        sameSite: partitioned ? "None" : "Lax",
        ...(partitioned ? { partitioned: true } : {}),
        maxAge: Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000)),
      });
    },
  };
}
