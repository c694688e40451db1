import { readFileSync } from "node:fs";
import type { AddressPolicy } from "../network/address-policy.ts";
import { webhooksFileSchema } from "./webhook-endpoint-schema.ts";
import type { WebhookEndpoints } from "./webhook-endpoints.ts";
import { checkWebhookUrl } from "./webhook-url-policy.ts";

/**
 * Saves the endpoints of WEBHOOKS_FILE (their ids and secrets as the operator wrote them; `${NAME}`
 * is replaced by that environment variable, so secrets need not sit in the file). A URL the address
 * policy refuses stops the start-up with its reason.
 */
export async function loadWebhooksFile(
  path: string,
  endpoints: WebhookEndpoints,
  policy: AddressPolicy,
  env: NodeJS.ProcessEnv = process.env,
) {
  const text = readFileSync(path, "utf8").replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined) throw new Error(`${path} names \${${name}}, which is not set`);
    return value;
  });
  const parsed = webhooksFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(
      `${path} is not a valid webhooks file: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  for (const entry of parsed.data.endpoints) {
    const check = await checkWebhookUrl(entry.url, policy);
    if (!check.ok) throw new Error(`${path}: webhook ${entry.id} cannot be used: ${check.reason}`);
    await endpoints.save({ ...entry, url: check.url.toString() }, "file");
  }
  return parsed.data.endpoints.length;
}
