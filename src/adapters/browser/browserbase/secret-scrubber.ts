/**
 * Removes secrets from text that leaves the adapter (error messages, forwarded log lines).
 * Upstream libraries and servers may echo a request back, headers included, so every string
 * built from something they said goes through here.
 */
export type Scrub = (text: string) => string;

export function createScrubber(secrets: Array<string | undefined>): Scrub {
  // Short values would blank out ordinary words; a real API key is never this short.
  const needles = [...new Set(secrets.filter((s): s is string => typeof s === "string" && s.length >= 6))];
  return (text) => {
    let out = text;
    for (const needle of needles) out = out.split(needle).join("[redacted]");
    return out;
  };
}
