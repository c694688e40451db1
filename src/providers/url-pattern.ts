import { z } from "zod";
import { URLPattern } from "urlpattern-polyfill";

/**
 * URL patterns use the URLPattern standard: a string (`https://app.example.com/home*`, components left
 * out of a full URL string are empty, so give a port wildcard to accept any port) or an object
 * of components (`{ "hostname": "*.example.com", "pathname": "/home*" }`, components left out accept anything).
 * Regular-expression groups are refused: patterns stay linear-time however a page's URL looks.
 */
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
    const pattern = new URLPattern(input as ConstructorParameters<typeof URLPattern>[0]);
    if ((pattern as { hasRegExpGroups?: boolean }).hasRegExpGroups) {
      ctx.addIssue({ code: "custom", message: "regular-expression groups are not allowed in URL patterns" });
      return z.NEVER;
    }
    return new CompiledUrlPattern(pattern, typeof input === "string" ? input : JSON.stringify(input));
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `invalid URL pattern: ${(error as Error).message}` });
    return z.NEVER;
  }
});

export class CompiledUrlPattern {
  constructor(
    private readonly pattern: URLPattern,
    readonly source: string,
  ) {}

  test(url: string): boolean {
    try {
      return this.pattern.test(url);
    } catch {
      return false;
    }
  }

  toJSON() {
    return this.source;
  }
}
