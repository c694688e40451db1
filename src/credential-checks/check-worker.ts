import { type ConnectionOptions, type Job, Worker } from "bullmq";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import {
  type CheckJobData,
  type CheckResult,
  CREDENTIAL_CHECK_QUEUE,
  type CredentialCheckQueue,
  type SweepJobData,
  spreadDelayMs,
} from "./check-queue.ts";
import { type CheckDeps, checkCredential } from "./credential-check.ts";

export interface CheckWorkerDeps extends CheckDeps {
  connection: ConnectionOptions;
  prefix?: string;
  /** Where sweeps put their checks, and where the providers' schedulers live. */
  queue: CredentialCheckQueue;
  /** Checks at once on this worker (each one holds a browser context for a few seconds). */
  concurrency?: number;
}

export interface CredentialCheckWorker {
  close(): Promise<void>;
}

const SWEEP_PREFIX = "verify-sweep-";

/**
 * Runs credential checks (asked by their owners, or scheduled) and the providers' sweeps. Every
 * provider with `verifyEvery` has one BullMQ job scheduler (any number of workers upsert the same
 * one); each tick is a sweep that gives every credential of the provider one check, delayed to the
 * credential's own place in the interval, so that a provider's credentials are spread over it.
 */
export async function startCredentialCheckWorker(deps: CheckWorkerDeps): Promise<CredentialCheckWorker> {
  const shutdown = new AbortController();
  await syncSweepSchedulers(deps.queue, deps.providers);

  const worker = new Worker<CheckJobData | SweepJobData, CheckResult | { scheduled: number }>(
    CREDENTIAL_CHECK_QUEUE,
    async (job) => {
      if (job.name === "sweep") return sweep(job as Job<SweepJobData>);
      // Only statuses, times and counts come back: BullMQ keeps return values in clear in Redis.
      return checkCredential(job.data as CheckJobData, deps, shutdown.signal);
    },
    // A check whose worker died is not replayed: the next request or sweep asks again.
    {
      connection: deps.connection,
      prefix: deps.prefix ?? "blc",
      concurrency: deps.concurrency ?? 2,
      maxStalledCount: 0,
    },
  );
  worker.on("error", (error) =>
    deps.logger.warn({ err: { message: error.message } }, "credential check queue problem"),
  );
  await worker.waitUntilReady();

  async function sweep(job: Job<SweepJobData>) {
    // A providers file reloaded meanwhile: schedulers follow it from the next sweep on.
    await syncSweepSchedulers(deps.queue, deps.providers);
    const { providerId, everyMs } = job.data;
    const round = Math.floor(Date.now() / everyMs);
    let scheduled = 0;
    for await (const { metadata, owner } of deps.vault.all()) {
      // An expired credential stays so until re-login: checking it again would only spend a browser.
      if (metadata.providerId !== providerId || metadata.kind !== "browser_login" || metadata.status === "expired")
        continue;
      await deps.queue.add(
        "check",
        { credentialId: metadata.id, owner, trigger: "schedule" },
        { delay: spreadDelayMs(metadata.id, everyMs), jobId: `scheduled-${metadata.id}-${round}` },
      );
      scheduled += 1;
    }
    return { scheduled };
  }

  return {
    async close() {
      // Checks under way end now (their browser sessions close, their status is recorded as unknown).
      shutdown.abort();
      await worker.close();
    },
  };
}

/** One scheduler per provider that asks for scheduled checks; schedulers of providers that no longer do are removed. */
export async function syncSweepSchedulers(queue: CredentialCheckQueue, providers: ProviderRegistry): Promise<void> {
  const wanted = new Map<string, number>();
  for (const p of providers.list())
    if (p.kind === "browser_login" && p.verify && p.verifyEvery) wanted.set(`${SWEEP_PREFIX}${p.id}`, p.verifyEvery);
  for (const [id, everyMs] of wanted) {
    await queue.upsertJobScheduler(
      id,
      { every: everyMs },
      { name: "sweep", data: { providerId: id.slice(SWEEP_PREFIX.length), everyMs } },
    );
  }
  for (const scheduler of await queue.getJobSchedulers()) {
    const id = scheduler.id ?? scheduler.key;
    if (id.startsWith(SWEEP_PREFIX) && !wanted.has(id)) await queue.removeJobScheduler(id);
  }
}
