import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KeyRingEntry } from "./key-ring.ts";

/**
 * Parses `ENCRYPTION_KEYS` ("kid:base64,kid:base64", the first one current) or a single
 * `ENCRYPTION_KEY` (base64, id "k1"). Each key must decode to exactly 32 bytes.
 */
export function parseKeyRing(spec: string): KeyRingEntry[] {
  return spec
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part, index) => {
      const colon = part.indexOf(":");
      const id = colon > 0 ? part.slice(0, colon) : `k${index + 1}`;
      const encoded = colon > 0 ? part.slice(colon + 1) : part;
      if (!/^[A-Za-z0-9_.-]{1,32}$/.test(id))
        throw new Error(`Encryption key id "${id}" must be 1-32 letters, digits, _ . -`);
      const key = Buffer.from(encoded, "base64");
      if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
        throw new Error(
          `Encryption key ${id} must be 32 bytes in base64 (openssl rand -base64 32); it decodes to ${key.length} bytes`,
        );
      }
      return { id, key };
    });
}

/**
 * Development convenience: a key generated once into `<dataDir>/encryption.key` (mode 0600).
 * Production refuses to run without configured keys, because losing this file loses every credential.
 */
export function loadOrCreateDevKey(dataDir: string): { entries: KeyRingEntry[]; created: boolean; path: string } {
  const path = join(dataDir, "encryption.key");
  let created = false;
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, `dev:${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    created = true;
  }
  chmodSync(path, 0o600);
  return { entries: parseKeyRing(readFileSync(path, "utf8").trim()), created, path };
}
