import { type ConnectionOptions, type Job, UnrecoverableError, Worker } from "bullmq";
import type { Logger } from "pino";
import { Webhook } from "standardwebhooks";
import type { EventLog } from "../events/event-log.ts";
import { publicEvent } from "../events/event-types.ts";
import type { AddressPolicy } from "../network/address-policy.ts";
import type { DeliveryLog } from "./delivery-log.ts";
import type { WebhookEndpoints } from "./webhook-endpoints.ts";
import { postWebhook } from "./webhook-post.ts";
import { WEBHOOK_QUEUE, type WebhookJobData } from "./webhook-queue.ts";
import { checkWebhookUrl } from "./webhook-url-policy.ts";

export interface DeliveryWorkerDeps {
  connection: ConnectionOptions;
  prefix: string;
  eventLog: EventLog;
  endpoints: WebhookEndpoints;
  deliveries: DeliveryLog;
  addressPolicy: AddressPolicy;
  timeoutMs: number;
  logger: Logger;
  concurrency?: number;
}

/**
 * Delivers one event to one endpoint per job, signed as the Standard Webhooks specification says
 * (webhook-id: the event id, the same on every attempt so receivers can drop duplicates;
 * webhook-timestamp; webhook-signature: v1,HMAC-SHA256 by the standardwebhooks library). A 2xx
 * answer delivers; anything else throws, and BullMQ retries with the job's exponential backoff.
 * Every attempt is written to the endpoint's delivery log.
 */
export function startWebhookDeliveryWorker(deps: DeliveryWorkerDeps) {
  const { eventLog, endpoints, deliveries, logger } = deps;

  async function deliver(job: Job<WebhookJobData>) {
    const { eventId, endpointId } = job.data;
    const attempts = job.attemptsMade + 1;
    const final = attempts >= (job.opts.attempts ?? 1);
    const [event, endpoint] = await Promise.all([eventLog.get(eventId), endpoints.get(endpointId)]);
    if (!endpoint) throw new UnrecoverableError("the endpoint was deleted");
    const base = { eventId, type: event?.type ?? "unknown", attempts };
    const fail = async (reason: string, statusCode?: number, giveUp = final) => {
      await deliveries.record(endpointId, {
        ...base,
        status: giveUp ? "failed" : "retrying",
        lastError: reason,
        ...(statusCode ? { lastStatusCode: statusCode } : {}),
      });
      throw giveUp ? new UnrecoverableError(reason) : new Error(reason);
    };
    if (!event) return fail("the event is no longer in the event log (past its retention)", undefined, true);
    const target = await checkWebhookUrl(endpoint.url, deps.addressPolicy);
    if (!target.ok) return fail(`refused by the address policy: ${target.reason}`);
    const secret = await endpoints.secret(endpointId);
    if (!secret) throw new UnrecoverableError("the endpoint was deleted");

    const body = JSON.stringify(publicEvent(event));
    const now = new Date();
    const headers = {
      "webhook-id": event.id,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign(event.id, now, body),
    };
    let status: number;
    try {
      status = await postWebhook(target.url, target.addresses, headers, body, deps.timeoutMs);
    } catch (error) {
      return fail((error as Error).message.split("\n")[0]!.slice(0, 200));
    }
    if (status < 200 || status > 299) return fail(`the endpoint answered ${status}`, status);
    await deliveries.record(endpointId, { ...base, status: "delivered", lastStatusCode: status });
    logger.debug({ endpointId, eventId, attempts }, "webhook delivered");
  }

  const worker = new Worker<WebhookJobData>(WEBHOOK_QUEUE, deliver, {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency ?? 10,
  });
  worker.on("error", (error) => logger.warn({ err: { message: error.message } }, "webhook worker error"));
  return worker;
}
