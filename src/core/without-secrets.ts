/**
 * Replaces each secret value, in the forms a provider may echo it (as sent, JSON-escaped,
 * URL-encoded), with `[redacted]`; longest first, so a secret containing another is cut whole.
 */
export function withoutSecrets(text: string, secrets: string[]): string {
  const forms = new Set(
    secrets
      .filter(Boolean)
      .flatMap((s) => [
        s,
        JSON.stringify(s).slice(1, -1),
        encodeURIComponent(s),
        new URLSearchParams({ s }).toString().slice(2),
      ]),
  );
  let result = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) result = result.split(form).join("[redacted]");
  return result;
}
