import { createRoute, z } from "@hono/zod-openapi";
import type { EventLog } from "../events/event-log.ts";
import { eventIdSchema } from "../events/event-types.ts";
import { ApiError } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonBody } from "../http/openapi/json-body.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { apiKeySecurity } from "../http/openapi/security.ts";
import { endpointIdParams } from "../http/route-params.ts";
import { createApiRouter } from "../http/router.ts";
import type { AddressPolicy } from "../network/address-policy.ts";
import { type DeliveryLog, deliveryEntrySchema } from "./delivery-log.ts";
import { endpointInputSchema, webhookEndpointSchema } from "./webhook-endpoint-schema.ts";
import type { WebhookEndpoints } from "./webhook-endpoints.ts";
import type { WebhookQueue } from "./webhook-queue.ts";
import { checkWebhookUrl } from "./webhook-url-policy.ts";

export interface WebhookDeps {
  endpoints: WebhookEndpoints;
  deliveries: DeliveryLog;
  queue: WebhookQueue;
  addressPolicy: AddressPolicy;
  eventLog: EventLog;
}

const tags = ["Webhooks"];
const notFound = { 404: "No such webhook endpoint (`endpoint_not_found`)" };

const create = createRoute({
  method: "post",
  path: "/",
  tags,
  summary: "Add a webhook endpoint",
  description:
    "The endpoint receives every subject's events (Standard Webhooks). Its secret is shown in this answer only.",
  security: apiKeySecurity,
  request: { body: jsonBody(endpointInputSchema.meta({ id: "WebhookEndpointInput" })) },
  responses: {
    201: jsonResponse(
      "The endpoint and its signing secret (sent with Cache-Control: no-store)",
      webhookEndpointSchema.extend({ secret: z.string() }).meta({ id: "CreatedWebhookEndpoint" }),
    ),
    ...errorResponses([400, 401, 413, 415, 422, 503], { 422: "This URL cannot be used (`webhook_url_not_allowed`)" }),
  },
});

const list = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "The webhook endpoints",
  security: apiKeySecurity,
  responses: {
    200: jsonResponse("Every endpoint (without secrets)", z.object({ endpoints: z.array(webhookEndpointSchema) })),
    ...errorResponses([401, 503]),
  },
});

const get = createRoute({
  method: "get",
  path: "/{id}",
  tags,
  summary: "One webhook endpoint",
  security: apiKeySecurity,
  request: { params: endpointIdParams },
  responses: {
    200: jsonResponse("The endpoint (without its secret)", webhookEndpointSchema),
    ...errorResponses([400, 401, 404, 503], notFound),
  },
});

const remove = createRoute({
  method: "delete",
  path: "/{id}",
  tags,
  summary: "Delete a webhook endpoint and its delivery log",
  security: apiKeySecurity,
  request: { params: endpointIdParams },
  responses: { 204: { description: "Deleted" }, ...errorResponses([400, 401, 404, 503], notFound) },
});

const deliveries = createRoute({
  method: "get",
  path: "/{id}/deliveries",
  tags,
  summary: "An endpoint's recent deliveries",
  security: apiKeySecurity,
  request: { params: endpointIdParams },
  responses: {
    200: jsonResponse("Newest first", z.object({ deliveries: z.array(deliveryEntrySchema) })),
    ...errorResponses([400, 401, 404, 503], notFound),
  },
});

const replay = createRoute({
  method: "post",
  path: "/{id}/replay",
  tags,
  summary: "Deliver a logged event to an endpoint again",
  security: apiKeySecurity,
  request: { params: endpointIdParams, body: jsonBody(z.strictObject({ eventId: eventIdSchema })) },
  responses: {
    202: jsonResponse("Queued", z.object({ endpointId: z.string(), eventId: z.string(), status: z.literal("queued") })),
    ...errorResponses([400, 401, 404, 413, 415, 503], {
      404: "No such endpoint (`endpoint_not_found`), or the event is not in the log (`event_not_found`)",
    }),
  },
});

/**
 * The operator's webhook endpoints. They receive the events of every subject, so this is an
 * operator API: any holder of an API key may manage them (deployments that hand keys to
 * untrusted parties put it behind their own gateway rule).
 */
export function webhookRoutes({ endpoints, deliveries: deliveryLog, queue, addressPolicy, eventLog }: WebhookDeps) {
  const routes = createApiRouter();
  const endpointOf = async (id: string) => {
    const endpoint = await endpoints.get(id);
    if (!endpoint) throw new ApiError(404, "endpoint_not_found", `No webhook endpoint ${id}`);
    return endpoint;
  };

  routes.openapi(create, async (c) => {
    const input = c.req.valid("json");
    const check = await checkWebhookUrl(input.url, addressPolicy);
    if (!check.ok)
      throw new ApiError(422, "webhook_url_not_allowed", `This webhook URL cannot be used: ${check.reason}`);
    const { endpoint, secret } = await endpoints.save({ ...input, url: check.url.toString() }, "api");
    c.header("Cache-Control", "no-store");
    // The secret is shown here once; it is stored encrypted and never shown again.
    return c.json({ ...endpoint, secret }, 201);
  });

  routes.openapi(list, async (c) => c.json({ endpoints: await endpoints.list() }, 200));
  routes.openapi(get, async (c) => c.json(await endpointOf(c.req.valid("param").id), 200));

  routes.openapi(remove, async (c) => {
    const endpoint = await endpointOf(c.req.valid("param").id);
    await endpoints.delete(endpoint.id);
    await deliveryLog.clear(endpoint.id);
    return c.body(null, 204);
  });

  routes.openapi(deliveries, async (c) => {
    const endpoint = await endpointOf(c.req.valid("param").id);
    return c.json({ deliveries: await deliveryLog.list(endpoint.id) }, 200);
  });

  routes.openapi(replay, async (c) => {
    const endpoint = await endpointOf(c.req.valid("param").id);
    const { eventId } = c.req.valid("json");
    if (!(await eventLog.get(eventId)))
      throw new ApiError(404, "event_not_found", `No event ${eventId} in the event log (it may be past its retention)`);
    // A job id of its own: a replay is delivered even when the first delivery succeeded.
    await queue.add(
      "deliver",
      { eventId, endpointId: endpoint.id },
      { jobId: `${endpoint.id}_${eventId}_replay_${Date.now()}` },
    );
    return c.json({ endpointId: endpoint.id, eventId, status: "queued" as const }, 202);
  });

  return routes;
}
