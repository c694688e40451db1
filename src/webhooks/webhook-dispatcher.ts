import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { parseEntry } from "../events/event-log.ts";
import { wantsEvent } from "./webhook-endpoint-schema.ts";
import type { WebhookEndpoints } from "./webhook-endpoints.ts";
import { deliveryJobId, type WebhookQueue } from "./webhook-queue.ts";

const GROUP = "webhooks";
/** A consumer that took entries and vanished (crash) leaves them pending; another takes them after this. */
const CLAIM_IDLE_MS = 60_000;

/**
 * Turns logged events into delivery jobs, one per endpoint whose filter wants the event. Workers
 * share the work through a consumer group on the stream of all events: each event is taken by one
 * of them, acknowledged once its jobs are queued, and taken over from a consumer that died first.
 * Job ids are (endpoint, event): an event queued twice is delivered once.
 */
export function startWebhookDispatcher(deps: {
  blocking: Redis;
  allStream: string;
  endpoints: WebhookEndpoints;
  queue: WebhookQueue;
  consumer: string;
  logger: Logger;
}) {
  const { blocking: redis, allStream, endpoints, queue, consumer, logger } = deps;
  let closed = false;
  let lastClaim = 0;

  async function dispatch(entries: [string, string[]][]) {
    if (entries.length === 0) return;
    const all = await endpoints.list();
    for (const entry of entries) {
      const event = parseEntry(entry);
      for (const endpoint of event ? all.filter((e) => wantsEvent(e, event.type)) : []) {
        await queue.add(
          "deliver",
          { eventId: entry[0], endpointId: endpoint.id },
          { jobId: deliveryJobId(endpoint.id, entry[0]) },
        );
      }
      await redis.xack(allStream, GROUP, entry[0]);
    }
  }

  const loop = (async () => {
    await redis.xgroup("CREATE", allStream, GROUP, "$", "MKSTREAM").catch((error: Error) => {
      if (!error.message.includes("BUSYGROUP")) throw error;
    });
    while (!closed) {
      try {
        if (Date.now() - lastClaim > CLAIM_IDLE_MS / 2) {
          lastClaim = Date.now();
          const [, claimed] = (await redis.xautoclaim(
            allStream,
            GROUP,
            consumer,
            CLAIM_IDLE_MS,
            "0-0",
            "COUNT",
            100,
          )) as [string, [string, string[]][]];
          await dispatch(claimed.filter((e) => e[1] !== null));
        }
        const reply = (await redis.xreadgroup(
          "GROUP",
          GROUP,
          consumer,
          "COUNT",
          100,
          "BLOCK",
          2_000,
          "STREAMS",
          allStream,
          ">",
        )) as [string, [string, string[]][]][] | null;
        await dispatch(reply?.[0]?.[1] ?? []);
      } catch (error) {
        if (closed) return;
        logger.warn({ err: { message: (error as Error).message } }, "webhook dispatch failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();

  return {
    async close() {
      closed = true;
      redis.disconnect();
      await loop.catch(() => {});
    },
  };
}
