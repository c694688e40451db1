import type { AddressPolicy } from "../network/address-policy.js";

/**
 * Where a webhook may be sent: the rule client login URLs follow (http(s) only, no credentials in
 * the URL, never a private or loopback address unless the operator lists its `host:port`). Checked
 * when an endpoint is saved, and again at every delivery, whose connection goes only to the
 * addresses checked then (a name that later resolves elsewhere gains nothing).
 */
export type WebhookUrlCheck = { ok: true; url: URL; addresses: string[] } | { ok: false; reason: string };

export async function checkWebhookUrl(raw: string, policy: AddressPolicy): Promise<WebhookUrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "the URL is not valid" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, reason: `the URL must be http or https, not ${url.protocol}` };
  if (url.username || url.password) return { ok: false, reason: "the URL must not carry credentials" };
  const decision = await policy.resolve(url.hostname, Number(url.port || (url.protocol === "https:" ? 443 : 80)));
  if (!decision.ok) return { ok: false, reason: `the host ${decision.reason}` };
  return { ok: true, url, addresses: decision.addresses };
}
