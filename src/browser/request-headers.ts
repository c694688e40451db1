/**
 * A request's headers as a provider's failure-response rule may test them (`requestHeader`): names in
 * lower case, and what carries a credential left out, so that no event holds a cookie or a token.
 */
export function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower !== "cookie" && lower !== "authorization" && lower !== "proxy-authorization") kept[lower] = value;
  }
  return kept;
}
