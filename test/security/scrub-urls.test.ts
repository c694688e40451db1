import { describe, expect, it } from "vitest";
import { scrubUrls } from "../../src/core/logging/scrub-urls.ts";
import { seededRandom } from "../helpers/seeded-random.ts";

/** The expression scrubUrls ran on JavaScript's backtracking engine before: the oracle for short texts. */
const BACKTRACKING = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]*@)?([^\s?#"'<>]*)([?#][^\s"'<>]*)?/gi;
const oracle = (text: string) =>
  text.includes("://")
    ? text.replace(
        BACKTRACKING,
        (_m, scheme: string, userinfo: string | undefined, rest: string, tail: string | undefined) =>
          `${scheme}${userinfo ? "[redacted]@" : ""}${rest}${tail ? `${tail[0]}[redacted]` : ""}`,
      )
    : text;

/** Texts a client controls (a 404 path, a header quoted in an error) built to make a backtracking matcher retry. */
const ADVERSARIAL: Record<string, (bytes: number) => string> = {
  "word boundaries before a scheme that never ends in ://": (n) => `${"a.".repeat(n / 2)} x://`,
  "a://, repeated": (n) => "a://".repeat(n / 4),
  "a scheme, then @ and no host": (n) => `x://${"@".repeat(n)}`,
  "userinfo that never ends": (n) => `x://${"a:".repeat(n / 2)}`,
  "queries within queries": (n) => `x://h/${"?#".repeat(n / 2)}`,
  "schemes glued together": (n) => `${"a+b-c.".repeat(n / 6)}://`,
};

describe("scrubUrls", () => {
  it("scrubs userinfo, query and fragment, and keeps the rest", () => {
    expect(
      scrubUrls("GET https://user:pw@api.example.com/v1/x?token=abc#frag failed (see http://docs.example.com/y)"),
    ).toBe("GET https://[redacted]@api.example.com/v1/x?[redacted] failed (see http://docs.example.com/y)");
    expect(scrubUrls("no url here")).toBe("no url here");
    // It stops at the text's own white space, non-ASCII included (RE2's \s is ASCII only).
    expect(scrubUrls("x://h/p?q=1\u00a0after\u2028line")).toBe("x://h/p?[redacted]\u00a0after\u2028line");
  });

  it("answers as the backtracking expression did, on random short texts", () => {
    const random = seededRandom(16);
    const alphabet = [
      "a",
      "Z",
      "9",
      "_",
      ".",
      "+",
      "-",
      ":",
      "/",
      "//",
      "://",
      "?",
      "#",
      "@",
      " ",
      "\t",
      "\v",
      "\u00a0",
      "\u2028",
      '"',
      "'",
      "<",
      ">",
      "é",
      "http://",
      "x:",
    ];
    for (let i = 0; i < 20_000; i++) {
      const text = Array.from({ length: random.int(0, 24) }, () => random.pick(alphabet)).join("");
      expect(scrubUrls(text), JSON.stringify(text)).toBe(oracle(text));
    }
  });

  it("looks at each character a bounded number of times, on adversarial input and random text", () => {
    const random = seededRandom(1616);
    const texts = [
      ...Object.values(ADVERSARIAL).flatMap((make) => [make(10_000), make(100_000)]),
      ...Array.from({ length: 200 }, () =>
        Array.from({ length: random.int(0, 2_000) }, () =>
          random.pick(["a", ".", ":", "/", "://", "@", "?", " ", "x://"]),
        ).join(""),
      ),
    ];
    for (const text of texts) {
      const steps = { count: 0 };
      scrubUrls(text, steps);
      // It says what it looked at (every character, when the text holds a URL), and that is linear.
      if (text.includes("://")) expect(steps.count).toBeGreaterThanOrEqual(text.length);
      expect(steps.count, JSON.stringify(text.slice(0, 40))).toBeLessThanOrEqual(4 * text.length + 4);
    }
  });

  it("scrubs a megabyte of the worst case the backtracking expression had", () => {
    const text = ADVERSARIAL["word boundaries before a scheme that never ends in ://"]!(1_000_000);
    // At 8 KB the backtracking expression took 160 ms; at this size, about 40 minutes.
    expect(scrubUrls(text).length).toBe(text.length);
    expect(scrubUrls(`${text}${"a://b@c?d ".repeat(100_000)}`)).toContain("a://[redacted]@c?[redacted] ");
  });
});
