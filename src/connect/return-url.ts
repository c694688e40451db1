import { UNSAFE_RETURN_SCHEMES } from "../core/config.ts";

/**
 * Where a connect page may send the person: a link's `successUrl`, `errorUrl` and `returnUrl`. The
 * app chooses them, but a page on the service's origin follows them, so they are held to a strict
 * form: one absolute URL, no white space or control characters (which URL parsers drop silently,
 * turning `java\tscript:` into `javascript:`), a scheme the operator allows (CONNECT_RETURN_SCHEMES:
 * http(s) by default, an app's own scheme to hand the person back to a mobile app), never one that
 * runs code or reads local data, no user name or password, and a host for http(s).
 * The URL kept is the parser's own serialisation, so the browser goes exactly where it was checked to go.
 */
export function checkReturnUrl(
  url: string,
  allowedSchemes: readonly string[],
): { ok: true; url: string } | { ok: false; reason: string } {
  const refuse = (reason: string) => ({ ok: false as const, reason });
  if (url.length > 2048) return refuse("is longer than 2048 characters");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u0020\u007f-\u009f\u2028\u2029]/.test(url)) return refuse("contains white space or control characters");
  if (!URL.canParse(url)) return refuse("is not an absolute URL");
  const parsed = new URL(url);
  const scheme = parsed.protocol.slice(0, -1);
  if (UNSAFE_RETURN_SCHEMES.includes(scheme) || !allowedSchemes.includes(scheme)) {
    return refuse(
      `uses the scheme "${scheme}", which is not allowed (CONNECT_RETURN_SCHEMES: ${allowedSchemes.join(", ")})`,
    );
  }
  if (parsed.username || parsed.password) return refuse("holds a user name or password");
  if ((scheme === "http" || scheme === "https") && !parsed.hostname) return refuse("has no host");
  return { ok: true, url: parsed.toString() };
}

/** The URL with the outcome added to its query (`status`, and `providerId` when there is one); nothing secret. */
export function withOutcome(url: string, outcome: { status: string; providerId?: string }): string {
  const parsed = new URL(url);
  parsed.searchParams.set("status", outcome.status);
  if (outcome.providerId) parsed.searchParams.set("providerId", outcome.providerId);
  return parsed.toString();
}
