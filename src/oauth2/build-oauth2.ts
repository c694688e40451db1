import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { OAuth2Deps } from "../api/routes/oauth2-routes.js";
import type { Config } from "../config.js";
import type { CredentialVault } from "../credentials/credential-vault.js";
import type { CredentialCipher } from "../crypto/cipher.js";
import type { EventLog } from "../events/event-log.js";
import type { ProviderRegistry } from "../providers/provider-registry.js";
import { createOAuth2AccessTokens } from "./oauth2-access-tokens.js";
import { createOAuth2ClientConfigs } from "./oauth2-client-configs.js";
import { createOAuth2Flow } from "./oauth2-flow.js";
import { createOAuth2ServerConfigs } from "./oauth2-server-config.js";
import { createOAuth2States } from "./oauth2-states.js";
import { createRefreshLock } from "./refresh-lock.js";

/** Transient provider failures: tried this many times, 250 ms then twice as long each time. */
const RETRY = { attempts: 3, baseMs: 250 };
/** Longer than three timed-out requests and their waits, so a live holder keeps its lock. */
const REFRESH_LOCK_MS = 45_000;

/** The API's OAuth2 parts, from configuration. */
export function buildOAuth2(deps: { config: Config; redis: Redis; cipher: CredentialCipher; vault: CredentialVault; eventLog: EventLog; providers: ProviderRegistry; publicUrl: () => string; logger: Logger }): OAuth2Deps {
  const { config, redis, cipher, vault, eventLog, providers, publicUrl, logger } = deps;
  const prefix = config.REDIS_PREFIX;
  const clients = createOAuth2ClientConfigs(redis, cipher, prefix);
  const servers = createOAuth2ServerConfigs(clients);
  return {
    clients,
    flow: createOAuth2Flow({
      providers,
      states: createOAuth2States(redis, { prefix, ttlSeconds: config.OAUTH2_STATE_TTL_SECONDS }),
      servers,
      vault,
      publicUrl,
      returnOrigins: config.OAUTH2_RETURN_ORIGINS,
      logger,
    }),
    tokens: createOAuth2AccessTokens({
      vault,
      events: eventLog,
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
