import { RE2JS } from "re2js";

/**
 * Compiles one URLPattern component pattern (`/app/:id/*`, `*.example.com`, `{/:lang}?/home`) to an
 * RE2 regular expression, so that matching a URL a page controls takes time linear in its length
 * whatever the pattern. It follows the URLPattern standard's "parse a pattern string" and "generate a
 * regular expression and name list" step for step (https://urlpattern.spec.whatwg.org/), on the
 * canonical component strings URLPattern produces; regular-expression groups `(...)` are
 * refused. The standard compiles to a backtracking JS RegExp, which is what made matching exponential.
 */
export interface ComponentOptions {
  /** Where a `:name` stops: "/" in paths, "." in host names, none elsewhere. */
  delimiter: string;
  /** The character that becomes a `:name` or `*` part's prefix when it comes just before it: "/" in paths. */
  prefix: string;
}

export const PATHNAME: ComponentOptions = { delimiter: "/", prefix: "/" };
export const HOSTNAME: ComponentOptions = { delimiter: ".", prefix: "" };
export const DEFAULT: ComponentOptions = { delimiter: "", prefix: "" };

type TokenType = "char" | "escaped-char" | "name" | "asterisk" | "other-modifier" | "open" | "close" | "regexp" | "end";
interface Token {
  type: TokenType;
  value: string;
}

type Modifier = "" | "?" | "*" | "+";
type Part =
  | { type: "fixed"; value: string; modifier: Modifier }
  | { type: "segment" | "full"; prefix: string; suffix: string; modifier: Modifier };

export function compileComponent(pattern: string, options: ComponentOptions): RE2JS {
  return RE2JS.compile(componentRegExp(pattern, options), RE2JS.DOTALL);
}

/** The standard's regular expression for a component, in RE2 syntax (anchored by `matches`). */
export function componentRegExp(pattern: string, options: ComponentOptions): string {
  const segment = options.delimiter ? `[^${escapeRegExp(options.delimiter)}]+?` : ".+?";
  let source = "";
  for (const part of parse(pattern, options)) {
    if (part.type === "fixed") {
      source += part.modifier ? `(?:${escapeRegExp(part.value)})${part.modifier}` : escapeRegExp(part.value);
      continue;
    }
    const value = part.type === "segment" ? segment : ".*";
    const [prefix, suffix] = [escapeRegExp(part.prefix), escapeRegExp(part.suffix)];
    if (!prefix && !suffix) {
      source +=
        part.modifier === "" || part.modifier === "?"
          ? `(?:${value})${part.modifier}`
          : `(?:(?:${value})${part.modifier})`;
    } else if (part.modifier === "" || part.modifier === "?") {
      source += `(?:${prefix}(?:${value})${suffix})${part.modifier}`;
    } else {
      source += `(?:${prefix}(?:(?:${value})(?:${suffix}${prefix}(?:${value}))*)${suffix})${part.modifier === "*" ? "?" : ""}`;
    }
  }
  return source;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+*?^${}()[\]|/\\]/g, "\\$&");
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  const chars = [...input];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === "*") tokens.push({ type: "asterisk", value: c });
    else if (c === "+" || c === "?") tokens.push({ type: "other-modifier", value: c });
    else if (c === "\\") {
      if (i + 1 >= chars.length) throw new Error("a pattern cannot end with a backslash");
      tokens.push({ type: "escaped-char", value: chars[++i]! });
    } else if (c === "{") tokens.push({ type: "open", value: c });
    else if (c === "}") tokens.push({ type: "close", value: c });
    else if (c === ":") {
      let name = "";
      while (i + 1 < chars.length && /[\p{ID_Continue}$]/u.test(chars[i + 1]!)) name += chars[++i];
      if (!name) throw new Error("a ':' must be followed by a name");
      tokens.push({ type: "name", value: name });
    } else if (c === "(") throw new Error("regular-expression groups are not allowed in URL patterns");
    else tokens.push({ type: "char", value: c });
  }
  tokens.push({ type: "end", value: "" });
  return tokens;
}

/** The standard's "parse a pattern string", names dropped: a match needs only the shape. */
function parse(pattern: string, options: ComponentOptions): Part[] {
  const tokens = tokenize(pattern);
  const parts: Part[] = [];
  let index = 0;
  let pending = "";

  const take = (...types: TokenType[]): Token | undefined => {
    const token = tokens[index]!;
    if (!types.includes(token.type)) return undefined;
    index++;
    return token;
  };
  const require = (type: TokenType) => {
    if (!take(type)) throw new Error(`unexpected '${tokens[index]!.value}' in URL pattern`);
  };
  const text = () => {
    let result = "";
    for (let token = take("char", "escaped-char"); token; token = take("char", "escaped-char")) result += token.value;
    return result;
  };
  const flushPending = () => {
    if (pending) parts.push({ type: "fixed", value: pending, modifier: "" });
    pending = "";
  };
  const addPart = (
    prefix: string,
    name: Token | undefined,
    wildcard: Token | undefined,
    suffix: string,
    modifierToken: Token | undefined,
  ) => {
    const modifier = (modifierToken?.value ?? "") as Modifier;
    if (!name && !wildcard && !modifier) {
      pending += prefix;
      return;
    }
    flushPending();
    if (!name && !wildcard) {
      if (prefix) parts.push({ type: "fixed", value: prefix, modifier });
      return;
    }
    parts.push({ type: wildcard ? "full" : "segment", prefix, suffix, modifier });
  };

  while (index < tokens.length) {
    const char = take("char");
    const name = take("name");
    const wildcard = name ? undefined : take("asterisk");
    if (name || wildcard) {
      let prefix = char?.value ?? "";
      if (prefix && prefix !== options.prefix) {
        pending += prefix;
        prefix = "";
      }
      flushPending();
      addPart(prefix, name, wildcard, "", take("other-modifier", "asterisk"));
      continue;
    }
    const fixed = char ?? take("escaped-char");
    if (fixed) {
      pending += fixed.value;
      continue;
    }
    if (take("open")) {
      const prefix = text();
      const groupName = take("name");
      const groupWildcard = groupName ? undefined : take("asterisk");
      const suffix = text();
      require("close");
      addPart(prefix, groupName, groupWildcard, suffix, take("other-modifier", "asterisk"));
      continue;
    }
    flushPending();
    require("end");
  }
  return parts;
}
