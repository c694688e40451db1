import type pg from "pg";
import type { Infra } from "../core/infra.ts";
import type { CredentialEvents } from "../credentials/credential-events.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import type { CredentialCipher } from "../crypto/cipher.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import { buildOAuth2ClientConfigs } from "./client-configs/build-oauth2-client-configs.ts";
import { createOAuth2AccessTokens } from "./oauth2-access-tokens.ts";
import { createOAuth2Flow } from "./oauth2-flow.ts";
import { createOAuth2ServerConfigs } from "./oauth2-server-config.ts";
import { createOAuth2States } from "./oauth2-states.ts";
import { createRefreshLock } from "./refresh-lock.ts";
import type { OAuth2Deps } from "./routes.ts";

/** Transient provider failures: tried this many times, 250 ms then twice as long each time. */
const RETRY = { attempts: 3, baseMs: 250 };
/** Longer than three timed-out requests and their waits, so a live holder keeps its lock. */
const REFRESH_LOCK_MS = 45_000;

/**
 * The API's OAuth2 parts, from configuration. Organisations' clients live with the credentials
 * (`database`, the credential store's pool when CREDENTIAL_STORE=postgres); state nonces and the
 * refresh lock stay in Redis: short-lived, single-use.
 */
export function buildOAuth2(
  { config, redis, logger }: Infra,
  deps: {
    database?: pg.Pool;
    cipher: CredentialCipher;
    vault: CredentialVault;
    credentialEvents: CredentialEvents;
    providers: ProviderRegistry;
    publicUrl: () => string;
  },
): OAuth2Deps {
  const { database, cipher, vault, credentialEvents, providers, publicUrl } = deps;
  const prefix = config.REDIS_PREFIX;
  const clients = buildOAuth2ClientConfigs({ database, redis, cipher, prefix });
  const servers = createOAuth2ServerConfigs(clients);
  return {
    clients,
    flow: createOAuth2Flow({
      providers,
      states: createOAuth2States(redis, { prefix, ttlSeconds: config.OAUTH2_STATE_TTL_SECONDS }),
      servers,
      vault,
      publicUrl,
      // Connect components open the popup from the app's page: its origin hears the result.
      returnOrigins: [...config.OAUTH2_RETURN_ORIGINS, ...config.CONNECT_COMPONENT_ORIGINS],
      logger,
    }),
    tokens: createOAuth2AccessTokens({
      vault,
      events: credentialEvents,
      providers,
      servers,
      lock: createRefreshLock(redis, { prefix, ttlMs: REFRESH_LOCK_MS }),
      skewMs: config.OAUTH2_REFRESH_SKEW_SECONDS * 1000,
      waitMs: config.OAUTH2_REFRESH_WAIT_MS,
      retry: RETRY,
      logger,
    }),
  };
}
