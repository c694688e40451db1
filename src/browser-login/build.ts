import type { BrowserAdapter } from "../browser/browser-adapter.ts";
import type { Infra } from "../core/infra.ts";
import type { CredentialEvents } from "../credentials/credential-events.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import type { Metrics } from "../metrics/metrics.ts";
import { observeQueueWait } from "../metrics/queue-wait.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import type { DevToolsHost } from "./keep-alive-ports.ts";
import type { LiveViewHost } from "./live-view-ports.ts";
import { createLoginQueue } from "./login-queue.ts";
import { createLoginUrlPolicy } from "./login-url-policy.ts";
import { instrumentSessionStore } from "./metrics.ts";
import { SESSION_STATUSES } from "./sessions/session-states.ts";
import { createSessionStore } from "./sessions/session-store.ts";
import { createSessionWakeups } from "./sessions/wakeups.ts";
import { createWorker } from "./worker/login-worker.ts";

/** Login sessions in Redis and their wake-ups: both roles read and move them. */
export async function openLoginSessions(infra: Infra, metrics: Metrics) {
  const { config, redis, stack } = infra;
  const sessions = instrumentSessionStore(
    createSessionStore(redis, {
      prefix: config.REDIS_PREFIX,
      retentionSeconds: config.SESSION_RETENTION_SECONDS,
      eventRetentionMs: config.EVENT_RETENTION_SECONDS * 1000,
      eventMaxLen: config.EVENT_STREAM_MAX_LENGTH,
    }),
    metrics,
  );
  const wakeups = await createSessionWakeups(
    infra.connection("subscriber", `blc-${infra.role}`),
    sessions.wakeupChannel,
  );
  stack.defer(() => wakeups.close());
  return { sessions, wakeups };
}

export type LoginSessions = Awaited<ReturnType<typeof openLoginSessions>>;

/**
 * The API's side: the login queue it adds sessions to, the client login URL policy (whose rules each
 * session carries to its worker), the limits per subject and connect link, and a reaper.
 */
export function buildBrowserLoginApi(infra: Infra, { sessions }: LoginSessions) {
  const { config, redis, stack } = infra;
  const queue = createLoginQueue(redis, config.REDIS_PREFIX);
  // Connection errors surface as failed requests (503); the queue's own error events would only repeat them.
  queue.on("error", () => {});
  stack.defer(() => queue.close());
  // The API reaps too, so that sessions of a crashed worker end even when no other worker runs.
  const reaper = setInterval(() => void sessions.reap().catch(() => {}), config.REAP_INTERVAL_MS);
  stack.defer(async () => clearInterval(reaper));
  const loginUrlPolicy = createLoginUrlPolicy({
    enabled: config.CLIENT_LOGIN_URLS,
    allowedHosts: config.CLIENT_LOGIN_URL_HOSTS,
    allowPrivateAddresses: config.ALLOW_PRIVATE_LOGIN_URLS,
    privateAllowedFor: config.ALLOW_PRIVATE_LOGIN_URL_HOSTS,
  });
  const limits = { perSubject: config.MAX_SESSIONS_PER_SUBJECT, perConnectLink: config.MAX_SESSIONS_PER_CONNECT_LINK };
  return { queue, loginUrlPolicy, sessionTimeoutMs: config.SESSION_TIMEOUT_MS, limits };
}

export interface LoginWorkerDeps extends LoginSessions {
  providers: ProviderRegistry;
  vault: CredentialVault;
  credentialEvents: CredentialEvents;
  adapter: BrowserAdapter;
  liveView?: LiveViewHost;
  /** Relays apps' DevTools connections to kept-alive browsers (src/keep-alive/). */
  devTools?: DevToolsHost;
  metrics: Metrics;
}

/**
 * The worker's side: the queue worker that runs login sessions in the adapter's browser. On the
 * stack, it stops taking jobs, gives captures in flight `grace()` ms, ends the rest, and closes the browser.
 */
export async function startLoginWorker(infra: Infra, deps: LoginWorkerDeps, grace: () => number) {
  const { config, stack } = infra;
  const worker = await createWorker({
    connection: infra.redis,
    prefix: config.REDIS_PREFIX,
    sessions: deps.sessions,
    wakeups: deps.wakeups,
    adapter: deps.adapter,
    providers: deps.providers,
    vault: deps.vault,
    logger: infra.logger,
    concurrency: config.WORKER_CONCURRENCY,
    leaseMs: config.WORKER_LEASE_MS,
    reapIntervalMs: config.REAP_INTERVAL_MS,
    liveView: deps.liveView,
    credentialEvents: deps.credentialEvents,
    devTools: deps.devTools,
  });
  stack.defer(() => worker.close(grace()));
  // Watched as soon as the worker exists: it says "worker ready" before the checks start.
  observeQueueWait(worker.jobs, deps.metrics);
  deps.metrics.watch("blc_browser_contexts", () => [{ value: deps.adapter.openSessions() }]);
  deps.metrics.watch("blc_worker_sessions", () => {
    const phases = worker.running().map((run) => run.phase);
    return SESSION_STATUSES.map((status) => ({ labels: { status }, value: phases.filter((p) => p === status).length }));
  });
  return worker;
}
