import { type ConnectionOptions, type JobsOptions, Queue } from "bullmq";

export const WEBHOOK_QUEUE = "webhook-deliveries";

/** Job data names the event and the endpoint: the payload is read from the event log, the secret at signing time. */
export interface WebhookJobData {
  eventId: string;
  endpointId: string;
}

/**
 * Exponential backoff (base, 2×base, 4×base…) for as many attempts as fit in `retryForMs`:
 * with the defaults (30 s, a day) twelve attempts, the last about 17 hours after the first.
 */
export function deliveryJobOptions(retryBaseMs: number, retryForMs: number): JobsOptions {
  let retries = 0;
  while (retryBaseMs * (2 ** (retries + 1) - 1) <= retryForMs) retries += 1;
  return {
    attempts: retries + 1,
    backoff: { type: "exponential", delay: retryBaseMs },
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 24 * 3600, count: 5000 },
  };
}

/** BullMQ refuses ':' in job ids; stream ids have none, endpoint ids neither. */
export const deliveryJobId = (endpointId: string, eventId: string) => `${endpointId}_${eventId}`;

export function createWebhookQueue(connection: ConnectionOptions, prefix: string, jobOptions: JobsOptions) {
  return new Queue<WebhookJobData>(WEBHOOK_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: jobOptions,
    streams: { events: { maxLen: 1000 } },
  });
}

export type WebhookQueue = Pick<Queue<WebhookJobData>, "add">;
