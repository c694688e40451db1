import { Hono } from "hono";
import { z } from "zod";
import type { EventLog } from "../../events/event-log.js";
import { eventIdSchema } from "../../events/event-types.js";
import type { AddressPolicy } from "../../network/address-policy.js";
import type { DeliveryLog } from "../../webhooks/delivery-log.js";
import { endpointIdSchema, endpointInputSchema } from "../../webhooks/webhook-endpoint-schema.js";
import type { WebhookEndpoints } from "../../webhooks/webhook-endpoints.js";
import type { WebhookQueue } from "../../webhooks/webhook-queue.js";
import { checkWebhookUrl } from "../../webhooks/webhook-url-policy.js";
import { ApiError } from "../api-error.js";
import type { ApiEnv } from "../app.js";
import { parseId, readJson } from "../request-helpers.js";

export interface WebhookDeps {
  endpoints: WebhookEndpoints;
  deliveries: DeliveryLog;
  queue: WebhookQueue;
  addressPolicy: AddressPolicy;
  eventLog: EventLog;
}

/**
 * The operator's webhook endpoints. They receive the events of every subject, so this is an
 * operator API: any holder of an API key may manage them (deployments that hand keys to
 * untrusted parties put it behind their own gateway rule).
 */
export function webhookRoutes({ endpoints, deliveries, queue, addressPolicy, eventLog }: WebhookDeps) {
  const routes = new Hono<ApiEnv>();
  const endpointOf = async (raw: string | undefined) => {
    const id = parseId(endpointIdSchema, raw, "webhook endpoint");
    const endpoint = await endpoints.get(id);
    if (!endpoint) throw new ApiError(404, "endpoint_not_found", `No webhook endpoint ${id}`);
    return endpoint;
  };

  routes.post("/", async (c) => {
    const input = await readJson(c, endpointInputSchema);
    const check = await checkWebhookUrl(input.url, addressPolicy);
    if (!check.ok) throw new ApiError(422, "webhook_url_not_allowed", `This webhook URL cannot be used: ${check.reason}`);
    const { endpoint, secret } = await endpoints.save({ ...input, url: check.url.toString() }, "api");
    c.header("Cache-Control", "no-store");
    // The secret is shown here once; it is stored encrypted and never shown again.
    return c.json({ ...endpoint, secret }, 201);
  });

  routes.get("/", async (c) => c.json({ endpoints: await endpoints.list() }));
  routes.get("/:id", async (c) => c.json(await endpointOf(c.req.param("id"))));

  routes.delete("/:id", async (c) => {
    const endpoint = await endpointOf(c.req.param("id"));
    await endpoints.delete(endpoint.id);
    await deliveries.clear(endpoint.id);
    return c.body(null, 204);
  });

  routes.get("/:id/deliveries", async (c) => {
    const endpoint = await endpointOf(c.req.param("id"));
    return c.json({ deliveries: await deliveries.list(endpoint.id) });
  });

  routes.post("/:id/replay", async (c) => {
    const endpoint = await endpointOf(c.req.param("id"));
    const { eventId } = await readJson(c, z.object({ eventId: eventIdSchema }).strict());
    if (!(await eventLog.get(eventId))) throw new ApiError(404, "event_not_found", `No event ${eventId} in the event log (it may be past its retention)`);
    // A job id of its own: a replay is delivered even when the first delivery succeeded.
    await queue.add("deliver", { eventId, endpointId: endpoint.id }, { jobId: `${endpoint.id}_${eventId}_replay_${Date.now()}` });
    return c.json({ endpointId: endpoint.id, eventId, status: "queued" }, 202);
  });

  return routes;
}
