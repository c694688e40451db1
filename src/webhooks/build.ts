import { randomBytes } from "node:crypto";
import type { Infra } from "../core/infra.ts";
import type { CredentialCipher } from "../crypto/cipher.ts";
import type { EventLog } from "../events/event-log.ts";
import type { Metrics } from "../metrics/metrics.ts";
import { observeQueueWait } from "../metrics/queue-wait.ts";
import { createAddressPolicy } from "../network/address-policy.ts";
import { createDeliveryLog } from "./delivery-log.ts";
import { countDeliveries } from "./metrics.ts";
import { startWebhookDeliveryWorker } from "./webhook-delivery-worker.ts";
import { startWebhookDispatcher } from "./webhook-dispatcher.ts";
import { createWebhookEndpoints } from "./webhook-endpoints.ts";
import { createWebhookQueue, deliveryJobOptions } from "./webhook-queue.ts";
import { loadWebhooksFile } from "./webhooks-file.ts";

/** Webhook endpoints (WEBHOOKS_FILE saved into them), their delivery logs, queue and address policy: both roles use them. */
export async function openWebhooks(infra: Infra, { cipher, metrics }: { cipher: CredentialCipher; metrics: Metrics }) {
  const { config, redis, stack } = infra;
  const endpoints = createWebhookEndpoints(redis, cipher, config.REDIS_PREFIX);
  const addressPolicy = createAddressPolicy({
    allowPrivateAddresses: false,
    privateAllowedFor: config.WEBHOOK_PRIVATE_ALLOWED_FOR,
  });
  if (config.WEBHOOKS_FILE) await loadWebhooksFile(config.WEBHOOKS_FILE, endpoints, addressPolicy);
  const queue = createWebhookQueue(
    redis,
    config.REDIS_PREFIX,
    deliveryJobOptions(config.WEBHOOK_RETRY_BASE_MS, config.WEBHOOK_RETRY_FOR_MS),
  );
  queue.on("error", () => {});
  stack.defer(() => queue.close());
  const deliveries = countDeliveries(
    createDeliveryLog(redis, { prefix: config.REDIS_PREFIX, size: config.WEBHOOK_DELIVERY_LOG_SIZE }),
    metrics,
  );
  return { endpoints, addressPolicy, queue, deliveries };
}

export type Webhooks = Awaited<ReturnType<typeof openWebhooks>>;

/** The worker's side: workers share the dispatch through a consumer group and the deliveries through BullMQ. */
export function startWebhookDelivery(
  infra: Infra,
  webhooks: Webhooks,
  { eventLog, metrics }: { eventLog: EventLog; metrics: Metrics },
) {
  const { config, stack } = infra;
  const dispatcher = startWebhookDispatcher({
    blocking: infra.connection("worker", "blc-webhook-dispatch"),
    allStream: eventLog.keys.all,
    endpoints: webhooks.endpoints,
    queue: webhooks.queue,
    consumer: `worker-${process.pid}-${randomBytes(4).toString("hex")}`,
    logger: infra.logger,
  });
  stack.defer(() => dispatcher.close());
  const deliveryWorker = startWebhookDeliveryWorker({
    connection: infra.redis,
    prefix: config.REDIS_PREFIX,
    eventLog,
    endpoints: webhooks.endpoints,
    deliveries: webhooks.deliveries,
    addressPolicy: webhooks.addressPolicy,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    logger: infra.logger,
  });
  stack.defer(() => deliveryWorker.close());
  observeQueueWait(deliveryWorker, metrics);
}
