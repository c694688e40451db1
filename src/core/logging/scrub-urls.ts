/**
 * Tokens travel in URLs: `?code=…`, `#access_token=…`, `https://user:pass@host`. Text that may quote a
 * URL (error messages, stacks, a request's path) keeps scheme, host and path, and loses userinfo,
 * query and fragment.
 *
 * What counts as a URL is what this expression matched (the tests hold the two to the same answers):
 *
 *   \b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]*@)?([^\s?#"'<>]*)([?#][^\s"'<>]*)?   (flags gi)
 *
 * It is not run as a regular expression: on JavaScript's backtracking engine it took time quadratic
 * in text a client controls (a 404 path of `a.a.a.…`: 160 ms at 8 KB, about 40 minutes at 1 MB),
 * and RE2 took 1 to 2 µs a character. This scan is linear by construction: it finds each `://` once
 * with indexOf, looks back for the scheme no further than where the previous URL (or `://`) ended,
 * and reads forward from the `://` to the URL's end, where the next search starts. So each character
 * is looked at a bounded number of times (at most four), whatever the text holds.
 */
export function scrubUrls(text: string, steps?: { count: number }): string {
  if (!text.includes("://")) return text;
  let out = "";
  /** Text before this is in `out` already. */
  let copied = 0;
  /** No scheme starts before this: the end of the previous URL, or of a `://` without a scheme. */
  let floor = 0;
  const count = (n: number) => {
    if (steps) steps.count += n;
  };
  for (let separator = text.indexOf("://", floor); separator !== -1; separator = text.indexOf("://", floor)) {
    count(separator - floor + 3);
    // The scheme: a letter on a word boundary, then scheme characters up to the `://`; the leftmost such start.
    let start = -1;
    for (let i = separator - 1; i >= floor && isSchemeChar(text.charCodeAt(i)); i--) {
      count(1);
      if (isLetter(text.charCodeAt(i)) && (i === 0 || !isWordChar(text.charCodeAt(i - 1)))) start = i;
    }
    const afterSeparator = separator + 3;
    if (start === -1) {
      floor = afterSeparator;
      continue;
    }
    // Userinfo: up to an `@`, if one comes before the host's end; otherwise none.
    let at = afterSeparator;
    while (at < text.length && !endsUserinfo(text.charCodeAt(at))) at++;
    count(at - afterSeparator + 1);
    const hasUserinfo = text.charCodeAt(at) === AT;
    const restStart = hasUserinfo ? at + 1 : afterSeparator;
    // Host and path, up to a query or fragment.
    let restEnd = restStart;
    while (restEnd < text.length && !endsPath(text.charCodeAt(restEnd))) restEnd++;
    count(restEnd - restStart + 1);
    let end = restEnd;
    const hasTail = text.charCodeAt(restEnd) === QUESTION || text.charCodeAt(restEnd) === HASH;
    if (hasTail) {
      end = restEnd + 1;
      while (end < text.length && !endsQuery(text.charCodeAt(end))) end++;
      count(end - restEnd);
    }
    out += `${text.slice(copied, afterSeparator)}${hasUserinfo ? "[redacted]@" : ""}${text.slice(restStart, restEnd)}`;
    if (hasTail) out += `${text[restEnd]}[redacted]`;
    copied = end;
    floor = end;
  }
  // The last indexOf looked through the rest.
  count(Math.max(0, text.length - floor));
  return out + text.slice(copied);
}

const AT = 0x40;
const QUESTION = 0x3f;
const HASH = 0x23;

/** [A-Za-z]: the expression's [a-z] with the i flag (no u flag: ASCII only). */
const isLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
/** [a-z0-9+.-] */
const isSchemeChar = (c: number) => isLetter(c) || isDigit(c) || c === 0x2b || c === 0x2e || c === 0x2d;
/** \w, which \b is about. */
const isWordChar = (c: number) => isLetter(c) || isDigit(c) || c === 0x5f;
/** JavaScript's \s: white space and line terminators. */
const isSpace = (c: number) =>
  (c >= 0x09 && c <= 0x0d) ||
  c === 0x20 ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;
/** Quotes and angle brackets end a URL quoted in text. */
const isQuote = (c: number) => c === 0x22 || c === 0x27 || c === 0x3c || c === 0x3e;
/** [^\s/?#@"'<>] ends */
const endsUserinfo = (c: number) => isSpace(c) || isQuote(c) || c === 0x2f || c === QUESTION || c === HASH || c === AT;
/** [^\s?#"'<>] ends */
const endsPath = (c: number) => isSpace(c) || isQuote(c) || c === QUESTION || c === HASH;
/** [^\s"'<>] ends */
const endsQuery = (c: number) => isSpace(c) || isQuote(c);
