import type { Metrics } from "../metrics/metrics.ts";
import type { CredentialAudit } from "./credential-audit.ts";

/** Counts decrypts by purpose as they are audited (only audited decrypts hand plaintext out). */
export function countDecrypts(audit: CredentialAudit, metrics: Metrics): CredentialAudit {
  return {
    ...audit,
    async record(credentialId, entry) {
      await audit.record(credentialId, entry);
      metrics.credentialDecrypts.inc({ purpose: entry.purpose });
    },
  };
}
