import { checkOutboundUrl } from "../network/outbound-url.ts";

/**
 * Where a webhook may be sent: the outbound rule (http(s) only, no credentials in the URL, never a
 * private or loopback address unless the operator lists its `host:port`). Checked when an endpoint
 * is saved, and again at every delivery, whose connection goes only to the addresses checked then.
 */
export const checkWebhookUrl = checkOutboundUrl;
export type { OutboundUrlCheck as WebhookUrlCheck } from "../network/outbound-url.ts";
