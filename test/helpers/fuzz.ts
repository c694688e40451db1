import { seededRandom } from "./seeded-random.ts";

/** Seeded randomness for fuzz runs (mulberry32): the same run every time, so a failure can be replayed. */
export const mulberry32 = (seed: number): (() => number) => seededRandom(seed).next;

export function pickFrom<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

const ALPHABET = [..."abcXYZ019_-.~%/?#&=;:@!$'()*+, \"<>\\^`{|}", "\u00e9", "\u4e2d", "\ud83d\ude00", "\u0000", "\n"];

export function randomText(random: () => number, maxLength: number): string {
  const length = Math.floor(random() * (maxLength + 1));
  let text = "";
  for (let i = 0; i < length; i += 1) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return text;
}

/** What a header may carry (fetch refuses control characters and code points above 255 before sending). */
export function headerSafe(text: string): string {
  return [...text]
    .map((ch) => (/^[\x20-\x7e]$/.test(ch) ? ch : "?"))
    .join("")
    .trim();
}

/** Random JSON, its object keys drawn from `keys` (the names an endpoint reads) and random text. */
export function randomJson(random: () => number, depth: number, keys: readonly string[] = []): unknown {
  const kind = Math.floor(random() * (depth > 0 ? 7 : 5));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return Math.floor(random() * 1e12) - 5e11;
    case 3:
      return randomText(random, 30);
    case 4:
      return pickFrom(random, [...keys, "__proto__", "constructor"]);
    case 5:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth - 1, keys));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, () => [
          pickFrom(random, [...keys, "__proto__", randomText(random, 8)]),
          randomJson(random, depth - 1, keys),
        ]),
      );
  }
}
