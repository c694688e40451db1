import { withoutSecrets } from "../core/without-secrets.ts";
import type { ApiKeyFields } from "../credentials/credential-secret.ts";
import type { AddressPolicy } from "../network/address-policy.ts";
import { checkOutboundUrl } from "../network/outbound-url.ts";
import { pinnedRequest } from "../network/pinned-request.ts";
import { type ApiKeyProvider, fillTemplate } from "../providers/provider-schema.ts";

/**
 * What the provider said about submitted fields: `accepted` (an expected status), `rejected` (any
 * other answer, summarised: its status and a short excerpt of its body with every submitted secret
 * value cut out), or `unavailable` (no answer: refused by the address policy, unreachable, too slow).
 */
export type ApiKeyValidationResult =
  | { outcome: "accepted"; status: number }
  | { outcome: "rejected"; status: number; excerpt: string }
  | { outcome: "unavailable"; reason: string };

export type ApiKeyValidator = (provider: ApiKeyProvider, fields: ApiKeyFields) => Promise<ApiKeyValidationResult>;

const EXCERPT_CHARS = 200;
/** Enough of an error body to summarise; the rest is dropped unread into memory. */
const BODY_BYTES = 16 * 1024;

/** Runs a provider's validation request with the submitted fields; `accepted` at once when it has none. */
export function createApiKeyValidator(addressPolicy: AddressPolicy): ApiKeyValidator {
  return async (provider, fields) => {
    const validation = provider.validation;
    if (!validation) return { outcome: "accepted", status: 0 };
    const target = await checkOutboundUrl(validation.url, addressPolicy);
    if (!target.ok) return { outcome: "unavailable", reason: `refused by the address policy: ${target.reason}` };
    const url = target.url;
    for (const [name, value] of Object.entries(validation.query))
      url.searchParams.set(name, fillTemplate(value, fields));
    const headers: Record<string, string> = { accept: "application/json", "user-agent": "browser-login-capture" };
    for (const [name, value] of Object.entries(validation.headers))
      headers[name.toLowerCase()] = fillTemplate(value, fields);
    let body: string | undefined;
    if (validation.body) {
      const filled = Object.fromEntries(
        Object.entries(validation.body).map(([name, value]) => [name, fillTemplate(value, fields)]),
      );
      const json = validation.bodyEncoding === "json";
      body = json ? JSON.stringify(filled) : new URLSearchParams(filled).toString();
      headers["content-type"] ??= json ? "application/json" : "application/x-www-form-urlencoded";
    }
    const secrets = provider.fields.filter((f) => f.secret).map((f) => fields[f.name] ?? "");
    let answer: { status: number; body: string };
    try {
      answer = await pinnedRequest(url, target.addresses, {
        method: validation.method,
        headers,
        body,
        timeoutMs: validation.timeoutMs,
        maxBodyBytes: BODY_BYTES,
      });
    } catch (error) {
      // Node's network errors name addresses and ports, never what was sent; cut anyway, to be sure.
      return {
        outcome: "unavailable",
        reason: withoutSecrets((error as Error).message.split("\n")[0]!, secrets).slice(0, EXCERPT_CHARS),
      };
    }
    const expected = [validation.expectedStatus].flat();
    if (expected.includes(answer.status)) return { outcome: "accepted", status: answer.status };
    return { outcome: "rejected", status: answer.status, excerpt: excerptOf(answer.body, secrets) };
  };
}

/** The start of a body, one line of printable text, with no submitted secret in it. */
function excerptOf(body: string, secrets: string[]): string {
  // Cut the secrets out of the whole body before shortening it, so no fragment survives at the cut.
  const text = withoutSecrets(body, secrets)
    .replace(/[\p{Cc}\p{Cf}\s]+/gu, " ")
    .trim();
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}
