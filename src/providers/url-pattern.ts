import type { RE2JS } from "re2js";
import { z } from "zod";
import { compileComponent, DEFAULT, HOSTNAME, PATHNAME } from "./component-pattern.ts";

/**
 * URL patterns use the URLPattern standard: a string (`https://app.example.com/home*`) or an object
 * of components (`{ "hostname": "*.example.com", "pathname": "/home*" }`, components left out accept
 * anything). Node's own URLPattern (Node 24) reads the pattern (syntax, defaults, canonical form); matching runs on RE2
 * (component-pattern.ts), in time linear in the URL's length, because a page sets the URL being
 * matched. Regular-expression groups are refused, and URLs longer than MAX_MATCHED_URL_LENGTH
 * match nothing: twice the request line most servers accept (8 KiB in nginx and Apache), so a real
 * site's URL fits, and a matched URL costs well under a millisecond.
 */
export const MAX_MATCHED_URL_LENGTH = 16 * 1024;

const COMPONENTS = ["protocol", "username", "password", "hostname", "port", "pathname", "search", "hash"] as const;
type Component = (typeof COMPONENTS)[number];
const SPECIAL_SCHEMES = ["ftp", "file", "http", "https", "ws", "wss"];

const componentsSchema = z
  .object({
    protocol: z.string(),
    hostname: z.string(),
    port: z.string(),
    pathname: z.string(),
    search: z.string(),
    hash: z.string(),
  })
  .partial()
  .strict();

export const urlPatternSchema = z.union([z.string().min(1), componentsSchema]).transform((input, ctx) => {
  try {
    return new CompiledUrlPattern(input);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `invalid URL pattern: ${(error as Error).message}` });
    return z.NEVER;
  }
});

export class CompiledUrlPattern {
  readonly source: string;
  /** Components that accept anything (`*`) are left out: nothing to match. */
  private readonly matchers: [Component, RE2JS][];

  private readonly maxLength: number;

  constructor(input: string | Partial<Record<Component, string>>, maxLength = MAX_MATCHED_URL_LENGTH) {
    this.maxLength = maxLength;
    this.source = typeof input === "string" ? input : JSON.stringify(input);
    const pattern = new URLPattern(input);
    if ((pattern as { hasRegExpGroups?: boolean }).hasRegExpGroups)
      throw new Error("regular-expression groups are not allowed in URL patterns");
    const protocol = compileComponent(pattern.protocol, DEFAULT);
    // As the standard does: paths split on "/" when the pattern may match a URL with a special scheme.
    const pathOptions = SPECIAL_SCHEMES.some((scheme) => protocol.matches(scheme)) ? PATHNAME : DEFAULT;
    this.matchers = COMPONENTS.filter((name) => pattern[name] !== "*").map((name) => [
      name,
      name === "protocol"
        ? protocol
        : compileComponent(pattern[name], name === "hostname" ? HOSTNAME : name === "pathname" ? pathOptions : DEFAULT),
    ]);
  }

  test(url: string): boolean {
    if (url.length > this.maxLength) return false;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    return this.matchers.every(([name, matcher]) => matcher.matches(componentOf(parsed, name)));
  }

  toJSON() {
    return this.source;
  }
}

function componentOf(url: URL, name: Component): string {
  if (name === "protocol") return url.protocol.slice(0, -1);
  if (name === "search") return url.search.slice(1);
  if (name === "hash") return url.hash.slice(1);
  return url[name];
}
