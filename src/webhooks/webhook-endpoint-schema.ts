import { z } from "zod";
import { eventTypeSchema } from "../events/event-types.ts";

/** A Standard Webhooks secret: `whsec_` and the base64 of 24 to 64 random bytes. */
export const webhookSecretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, "must be whsec_ followed by base64")
  .refine((s) => {
    const bytes = Buffer.from(s.slice("whsec_".length), "base64").length;
    return bytes >= 24 && bytes <= 64;
  }, "must hold 24 to 64 bytes");

/** What an operator gives for an endpoint (API body, or an entry of WEBHOOKS_FILE). */
export const endpointInputSchema = z
  .object({
    url: z.string().max(2048),
    /** Event types to deliver; all when left out. */
    events: z.array(eventTypeSchema).min(1).max(64).optional(),
    description: z.string().max(256).optional(),
    /** The operator's own secret; one is generated (and shown once) when left out. */
    secret: webhookSecretSchema.optional(),
  })
  .strict();

export const endpointIdSchema = z.string().regex(/^whe_[a-z0-9_-]{1,64}$/, "not a webhook endpoint id");

/** An endpoint as stored in clear (its secret is stored apart, encrypted) and as the API shows it. */
export const webhookEndpointSchema = z.object({
  id: endpointIdSchema,
  url: z.string(),
  events: z.array(eventTypeSchema).optional(),
  description: z.string().optional(),
  createdAt: z.string(),
  source: z.enum(["api", "file"]),
});

export type EndpointInput = z.infer<typeof endpointInputSchema>;
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;

/** WEBHOOKS_FILE: `{ "endpoints": [{ "id": "whe_ops", "url": …, "events"?: […], "secret": "${OPS_WEBHOOK_SECRET}" }] }`. */
export const webhooksFileSchema = z.object({
  endpoints: z.array(endpointInputSchema.extend({ id: endpointIdSchema, secret: webhookSecretSchema })),
});

export function wantsEvent(endpoint: WebhookEndpoint, type: string): boolean {
  return !endpoint.events || (endpoint.events as string[]).includes(type);
}
