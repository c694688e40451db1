import { randomUUID } from "node:crypto";
import { Job, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import {
  type CheckJobData,
  type CheckResult,
  CREDENTIAL_CHECK_QUEUE,
  type CredentialCheckQueue,
} from "./check-queue.ts";

/** Where a check stands: done (its result), failed in the worker (crashed, lost), or still queued or running. */
export type CheckState =
  | { state: "completed"; data: CheckJobData; result: CheckResult }
  | { state: "failed"; data: CheckJobData }
  | { state: "pending"; data: CheckJobData };

/**
 * The API's side of credential checks: it queues them (browsers live in workers, maybe elsewhere)
 * and waits for their results through BullMQ's queue events, at most as long as the caller allows.
 */
export interface CheckWaiter {
  /** Queues a check; its id is the check id clients ask about. */
  enqueue(data: CheckJobData): Promise<string>;
  /** undefined when no such check is known (never queued, or its result has been dropped). */
  wait(checkId: string, ms: number, signal?: AbortSignal): Promise<CheckState | undefined>;
  close(): Promise<void>;
}

export async function createCheckWaiter(
  queue: CredentialCheckQueue,
  connection: Redis,
  prefix: string,
): Promise<CheckWaiter> {
  const events = new QueueEvents(CREDENTIAL_CHECK_QUEUE, { connection, prefix });
  events.on("error", () => {});
  await events.waitUntilReady();

  async function read(checkId: string): Promise<CheckState | undefined> {
    const job = await Job.fromId<CheckJobData, CheckResult>(queue, checkId);
    if (job?.name !== "check") return undefined;
    const state = await job.getState();
    if (state === "completed") return { state, data: job.data, result: job.returnvalue };
    if (state === "failed") return { state, data: job.data };
    return { state: "pending", data: job.data };
  }

  return {
    async enqueue(data) {
      const checkId = `verify-${randomUUID()}`;
      await queue.add("check", data, { jobId: checkId });
      return checkId;
    },
    async wait(checkId, ms, signal) {
      const first = await read(checkId);
      if (first?.state !== "pending" || ms <= 0 || signal?.aborted) return first;
      const job = await Job.fromId(queue, checkId);
      if (job) {
        let stop = () => {};
        const stopped = new Promise<void>((resolve) => {
          stop = resolve;
          signal?.addEventListener("abort", () => resolve(), { once: true });
        });
        // Its outcome is read again below: the wait only says when to look.
        await Promise.race([job.waitUntilFinished(events, ms).catch(() => {}), stopped]);
        stop();
      }
      return read(checkId);
    },
    async close() {
      await events.close();
      connection.disconnect();
    },
  };
}
