/**
 * Tokens travel in URLs: `?code=…`, `#access_token=…`, `https://user:pass@host`. Text that may quote a
 * URL (error messages, stacks) keeps scheme, host and path, and loses userinfo, query and fragment.
 */
const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]*@)?([^\s?#"'<>]*)([?#][^\s"'<>]*)?/gi;

export function scrubUrls(text: string): string {
  if (!text.includes("://")) return text;
  return text.replace(
    URL_IN_TEXT,
    (_match, scheme: string, userinfo: string | undefined, rest: string, tail: string | undefined) =>
      `${scheme}${userinfo ? "[redacted]@" : ""}${rest}${tail ? `${tail[0]}[redacted]` : ""}`,
  );
}
