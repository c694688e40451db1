import type { Worker } from "bullmq";
import type { CredentialAudit } from "../credentials/credential-audit.ts";
import type { DeliveryLog } from "../webhooks/delivery-log.ts";
import type { Metrics } from "./metrics.ts";

/**
 * Counters fed by the records the service already keeps: every decrypt goes through the audit trail,
 * every webhook attempt through its endpoint's delivery log, every job through a BullMQ worker.
 */

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

/** Counts webhook attempts by outcome as they are logged. */
export function countDeliveries(deliveries: DeliveryLog, metrics: Metrics): DeliveryLog {
  return {
    ...deliveries,
    async record(endpointId, entry) {
      await deliveries.record(endpointId, entry);
      if (entry.status !== "pending") metrics.webhookDeliveries.inc({ outcome: entry.status });
    },
  };
}

/** Times each job's wait in its queue, from being added to a worker taking it; retries wait their backoff, so only first attempts count. */
export function observeQueueWait(worker: Worker, metrics: Metrics): void {
  worker.on("active", (job) => {
    if (job.attemptsMade > 0 || !job.processedOn) return;
    metrics.queueWaitSeconds.observe({ queue: worker.name }, Math.max(0, (job.processedOn - job.timestamp) / 1000));
  });
}
