/**
 * Removes secrets from text that leaves an adapter (error messages, forwarded log lines).
 * Upstream libraries and servers may echo a request back, headers included, and browsers quote
 * the URL they failed to load, so every string built from something they said goes through here.
 */
export type Scrub = (text: string) => string;

/**
 * Scrubs the given secrets (an API key) and, in any URL, the parts where tokens travel: the
 * query string, the fragment and user:password@. The scheme, host and path stay, so the message
 * still says which page failed.
 */
export function createScrubber(secrets: Array<string | undefined> = []): Scrub {
  // Short values would blank out ordinary words; a real API key is never this short.
  const needles = [...new Set(secrets.filter((s): s is string => typeof s === "string" && s.length >= 6))];
  return (text) => {
    let out = scrubUrls(text);
    for (const needle of needles) out = out.split(needle).join("[redacted]");
    return out;
  };
}

// scheme://[userinfo@]rest-up-to-query, then the query and/or fragment, up to whitespace or a quote.
const URL_PATTERN = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]*@)?([^\s?#"'<>]*)([?#][^\s"'<>]*)?/gi;

export function scrubUrls(text: string): string {
  return text.replace(
    URL_PATTERN,
    (_match, scheme: string, userinfo: string | undefined, rest: string, tail: string | undefined) => {
      const who = userinfo ? "[redacted]@" : "";
      const after = tail ? `${tail[0]}[redacted]` : "";
      return `${scheme}${who}${rest}${after}`;
    },
  );
}
