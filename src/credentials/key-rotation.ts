import type { CredentialStore, KeyUsage } from "./credential-store.ts";
import type { CredentialVault, RotationOutcome } from "./credential-vault.ts";

export type RotationResult = Record<Exclude<RotationOutcome, "changed">, number> & {
  total: number;
  changed: string[];
  failed: string[];
};

/**
 * Puts every credential under the current key-encryption key: rewraps data keys, upgrades format-1
 * records. Each credential is swapped atomically, so it can run beside live traffic.
 */
export async function rotateAll(store: CredentialStore, vault: CredentialVault): Promise<RotationResult> {
  const result: RotationResult = {
    total: 0,
    rewrapped: 0,
    upgraded: 0,
    current: 0,
    missing: 0,
    changed: [],
    failed: [],
  };
  for await (const id of store.allIds()) {
    result.total += 1;
    try {
      const outcome = await vault.rotate(id);
      if (outcome === "changed") result.changed.push(id);
      else result[outcome] += 1;
    } catch {
      // The id only: a DecryptionError says nothing secret, but the log line needs no more.
      result.failed.push(id);
    }
  }
  return result;
}

export interface KeyUsageReport {
  currentKeyId: string;
  /** Credentials per key id and format, as stored. */
  usage: KeyUsage[];
  /** Configured keys other than the current one that protect nothing: safe to drop. */
  droppable: string[];
  /** Configured keys other than the current one that still protect credentials. */
  stillUsed: string[];
  /** Key ids credentials name that are not configured: those credentials cannot be read. */
  unknown: string[];
  /** Credentials still in format 1 (payload encrypted directly under a ring key). */
  formatOne: number;
  /** Every credential is an envelope under the current key. */
  settled: boolean;
}

/** What each key protects, from the store's wrapped keys: no decryption, no key material needed beyond the ids. */
export async function keyUsageReport(
  store: CredentialStore,
  keyIds: readonly string[],
  currentKeyId: string,
): Promise<KeyUsageReport> {
  const usage = await store.keyUsage();
  const used = new Set(usage.map((u) => u.keyId));
  const old = keyIds.filter((id) => id !== currentKeyId);
  const report = {
    currentKeyId,
    usage,
    droppable: old.filter((id) => !used.has(id)),
    stillUsed: old.filter((id) => used.has(id)),
    unknown: [...used].filter((id) => !keyIds.includes(id)),
    formatOne: usage.filter((u) => u.format === 1).reduce((sum, u) => sum + u.count, 0),
  };
  return { ...report, settled: report.stillUsed.length === 0 && report.unknown.length === 0 && report.formatOne === 0 };
}
