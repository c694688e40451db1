import type { BrowserAdapter } from "../browser/browser-adapter.ts";
import type { Infra } from "../core/infra.ts";
import type { CredentialEvents } from "../credentials/credential-events.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import { createCredentialCheckQueue } from "./check-queue.ts";
import { createCheckWaiter } from "./check-waiter.ts";
import { startCredentialCheckWorker } from "./check-worker.ts";

/** The API's side: checks are queued for the workers (browsers live there) and awaited through queue events. */
export async function buildCredentialChecksApi(infra: Infra) {
  const { config, stack } = infra;
  const queue = createCredentialCheckQueue(infra.redis, config.REDIS_PREFIX);
  queue.on("error", () => {});
  stack.defer(() => queue.close());
  const checks = await createCheckWaiter(queue, infra.connection("subscriber", "blc-api-checks"), config.REDIS_PREFIX);
  stack.defer(() => checks.close());
  return { queue, checks };
}

/** The worker's side: runs checks (asked, or swept on a provider's schedule) in the adapter's browser. */
export async function startCredentialChecks(
  infra: Infra,
  deps: {
    vault: CredentialVault;
    adapter: BrowserAdapter;
    providers: ProviderRegistry;
    credentialEvents: CredentialEvents;
  },
) {
  const { config, stack } = infra;
  const queue = createCredentialCheckQueue(infra.redis, config.REDIS_PREFIX);
  queue.on("error", () => {});
  stack.defer(() => queue.close());
  const checker = await startCredentialCheckWorker({
    connection: infra.redis,
    prefix: config.REDIS_PREFIX,
    queue,
    vault: deps.vault,
    adapter: deps.adapter,
    providers: deps.providers,
    events: deps.credentialEvents,
    logger: infra.logger,
    navigationTimeoutMs: config.NAVIGATION_TIMEOUT_MS,
    defaultCheckTimeoutMs: config.DEFAULT_CHECK_TIMEOUT_MS,
    concurrency: config.CREDENTIAL_CHECK_CONCURRENCY,
  });
  // Checks end at once when the worker stops (status unknown) and close their contexts before the adapter goes.
  stack.defer(() => checker.close());
}
