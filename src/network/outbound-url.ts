import type { AddressPolicy } from "./address-policy.ts";

/**
 * Where the service itself may send a request (webhooks, API-key validation): the rule client login
 * URLs follow (http(s) only, no credentials in the URL, never a private or loopback address unless
 * the policy allows it). Checked before every request, whose connection then goes only to the
 * addresses checked here (pinned-request.ts).
 */
export type OutboundUrlCheck = { ok: true; url: URL; addresses: string[] } | { ok: false; reason: string };

export async function checkOutboundUrl(raw: string, policy: AddressPolicy): Promise<OutboundUrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "the URL is not valid" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return { ok: false, reason: `the URL must be http or https, not ${url.protocol}` };
  if (url.username || url.password) return { ok: false, reason: "the URL must not carry credentials" };
  const decision = await policy.resolve(url.hostname, Number(url.port || (url.protocol === "https:" ? 443 : 80)));
  if (!decision.ok) return { ok: false, reason: `the host ${decision.reason}` };
  return { ok: true, url, addresses: decision.addresses };
}
