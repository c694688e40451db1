/** Whether `host` is on an allowlist of exact hosts and `*.example.com` entries (any subdomain of example.com). */
export function hostAllowed(allowedHosts: string[], host: string): boolean {
  return allowedHosts.some((allowed) =>
    allowed.startsWith("*.") ? host.endsWith(allowed.slice(1)) : host === allowed,
  );
}
