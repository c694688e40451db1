import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { OAuth2Deps } from "../api/routes/oauth2-routes.ts";
import type { Config } from "../config.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import type { CredentialCipher } from "../crypto/cipher.ts";
import type { EventLog } from "../events/event-log.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import { createOAuth2AccessTokens } from "./oauth2-access-tokens.ts";
import { createOAuth2ClientConfigs } from "./oauth2-client-configs.ts";
import { createOAuth2Flow } from "./oauth2-flow.ts";
import { createOAuth2ServerConfigs } from "./oauth2-server-config.ts";
import { createOAuth2States } from "./oauth2-states.ts";
import { createRefreshLock } from "./refresh-lock.ts";

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
