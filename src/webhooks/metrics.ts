import type { Metrics } from "../metrics/metrics.ts";
import type { DeliveryLog } from "./delivery-log.ts";

/** Counts webhook attempts by outcome as they are logged in their endpoint's delivery log. */
export function countDeliveries(deliveries: DeliveryLog, metrics: Metrics): DeliveryLog {
  return {
    ...deliveries,
    async record(endpointId, entry) {
      await deliveries.record(endpointId, entry);
      if (entry.status !== "pending") metrics.webhookDeliveries.inc({ outcome: entry.status });
    },
  };
}
