import type { Infra } from "../core/infra.ts";
import { createEventLog } from "./event-log.ts";
import { createEventTail } from "./event-tail.ts";

/** The event log: both roles write it (through session and credential changes) and read it. */
export function openEventLog({ config, redis }: Infra) {
  return createEventLog(redis, {
    prefix: config.REDIS_PREFIX,
    retentionMs: config.EVENT_RETENTION_SECONDS * 1000,
    maxLen: config.EVENT_STREAM_MAX_LENGTH,
  });
}

/** The API's tail of the log: one blocking read per process, however many SSE clients it serves. */
export function buildEventsApi(infra: Infra, eventLog: ReturnType<typeof openEventLog>) {
  const eventTail = createEventTail(infra.connection("subscriber", "blc-api-events"), eventLog.keys.all);
  infra.stack.defer(() => eventTail.close());
  return { eventLog, eventTail, sseHeartbeatMs: infra.config.SSE_HEARTBEAT_MS };
}
