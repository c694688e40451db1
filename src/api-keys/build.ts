import type { Infra } from "../core/infra.ts";
import type { CredentialEvents } from "../credentials/credential-events.ts";
import { createAddressPolicy } from "../network/address-policy.ts";
import { createApiKeyAttempts } from "./api-key-attempts.ts";
import { createApiKeyValidator } from "./api-key-validation.ts";

/** API-key credentials: their validation requests (under the client login URLs' address policy) and the per-subject attempt limit. */
export function buildApiKeys({ config, redis }: Infra, { credentialEvents }: { credentialEvents: CredentialEvents }) {
  return {
    eventLog: credentialEvents,
    // Requests to a provider's validation URL go where client login URLs may: one outbound policy.
    validateApiKey: createApiKeyValidator(
      createAddressPolicy({
        allowPrivateAddresses: config.ALLOW_PRIVATE_LOGIN_URLS,
        privateAllowedFor: config.ALLOW_PRIVATE_LOGIN_URL_HOSTS,
      }),
    ),
    apiKeyAttempts: createApiKeyAttempts(redis, {
      prefix: config.REDIS_PREFIX,
      attempts: config.API_KEY_VALIDATION_ATTEMPTS,
      windowSeconds: config.API_KEY_VALIDATION_WINDOW_SECONDS,
    }),
  };
}
