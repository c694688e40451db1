import type { Worker } from "bullmq";
import type { Metrics } from "./metrics.ts";

/** Times each job's wait in its queue, from being added to a queue worker taking it; retries wait their backoff, so only first attempts count. */
export function observeQueueWait(worker: Worker, metrics: Metrics): void {
  worker.on("active", (job) => {
    if (job.attemptsMade > 0 || !job.processedOn) return;
    metrics.queueWaitSeconds.observe({ queue: worker.name }, Math.max(0, (job.processedOn - job.timestamp) / 1000));
  });
}
