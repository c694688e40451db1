import { scrubUrls } from "./scrub-urls.ts";

/**
 * Field names whose values carry secrets wherever they appear: captured cookies and storage,
 * credentials, keys. Compared case-insensitively.
 */
export const SECRET_FIELD_NAMES = [
  "cookies",
  "cookie",
  "set-cookie",
  "value",
  "localStorage",
  "sessionStorage",
  "indexedDB",
  "storageState",
  "state",
  "apiKey",
  "authorization",
  "password",
  "token",
  "accessToken",
  "refreshToken",
  "secret",
  "totp",
  "totpSecret",
  "key",
  "keys",
  "dataKey",
  "plaintext",
];

export const REDACTED = "[redacted]";
const secretNames = new Set(SECRET_FIELD_NAMES.map((n) => n.toLowerCase()));

/**
 * Returns `value` with every secret-bearing field replaced by "[redacted]" at any depth, and errors
 * turned into `{ type, message, stack }` with URLs scrubbed (plus their own fields, redacted).
 * Copy-on-write: an object with nothing to redact comes back as the same reference, so the common
 * small log object costs one pass over its keys. Numbers and booleans stay: `cookies: 3` is a count.
 */
export function redactSecrets<T>(value: T): T {
  return walk(value, new WeakSet()) as T;
}

function walk(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return scrubUrls(value);
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  try {
    if (value instanceof Error) return walkError(value, seen);
    if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return REDACTED; // raw bytes: keys, plaintext
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      value.forEach((item, i) => {
        const next = walk(item, seen);
        if (next === item) return;
        out ??= value.slice();
        out[i] = next;
      });
      return out ?? value;
    }
    if (!isPlain(value)) return value; // Dates, Maps, class instances: pino serializes them as it always has
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      const next = isSecretField(key, item) ? REDACTED : walk(item, seen);
      if (next === item) continue;
      out ??= { ...value };
      out[key] = next;
    }
    return out ?? value;
  } finally {
    seen.delete(value);
  }
}

function walkError(error: Error, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { type: error.name, message: scrubUrls(error.message) };
  if (error.stack) out.stack = scrubUrls(error.stack);
  for (const key of Object.keys(error)) {
    const item = (error as unknown as Record<string, unknown>)[key];
    out[key] = isSecretField(key, item) ? REDACTED : walk(item, seen);
  }
  if (error.cause !== undefined) out.cause = walk(error.cause, seen);
  return out;
}

function isSecretField(key: string, item: unknown): boolean {
  if (item === undefined || item === null || typeof item === "number" || typeof item === "boolean") return false;
  return secretNames.has(key.toLowerCase());
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
