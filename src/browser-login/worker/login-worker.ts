import { randomUUID } from "node:crypto";
import { type ConnectionOptions, Worker } from "bullmq";
import type { Logger } from "pino";
import type { BrowserAdapter } from "../../browser/browser-adapter.ts";
import { waitAtMost } from "../../core/deadline.ts";
import type { CredentialVault } from "../../credentials/credential-vault.ts";
import type { ProviderRegistry } from "../../providers/provider-registry.ts";
import { LOGIN_QUEUE, type LoginJobData } from "../login-queue.ts";
import type { SessionStore } from "../sessions/session-store.ts";
import type { SessionWakeups } from "../sessions/wakeups.ts";
import { type LoginSessionRun, type RunnerDeps, runLoginSession, shutdownStop } from "./login-session-runner.ts";

export interface WorkerDeps {
  connection: ConnectionOptions;
  prefix?: string;
  sessions: SessionStore;
  wakeups: SessionWakeups;
  adapter: BrowserAdapter;
  providers: ProviderRegistry;
  vault: CredentialVault;
  logger: Logger;
  /** Sessions at once; they mostly wait for a person, so this is memory-bound, not CPU-bound. */
  concurrency?: number;
  /** A session whose lease is not renewed for this long is declared lost (worker_lost). */
  leaseMs?: number;
  reapIntervalMs?: number;
  workerId?: string;
  liveView?: RunnerDeps["liveView"];
  credentialEvents?: RunnerDeps["credentialEvents"];
  devTools?: RunnerDeps["devTools"];
}

export interface LoginWorker {
  readonly workerId: string;
  /** Sessions this worker holds now. */
  running(): LoginSessionRun[];
  /** The BullMQ worker taking the jobs (metrics listen to its events). */
  readonly jobs: Worker<LoginJobData, { status: string; sessionId?: string }>;
  /**
   * Stops taking jobs, lets captures in flight finish within `graceMs`, ends every other session
   * as failed/worker_shutdown, and closes the browser.
   */
  close(graceMs?: number): Promise<void>;
}

export async function createWorker(deps: WorkerDeps): Promise<LoginWorker> {
  const workerId = deps.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
  const logger = deps.logger.child({ workerId });
  const leaseMs = deps.leaseMs ?? 15_000;
  const runs = new Map<string, LoginSessionRun>();

  await deps.adapter.warmUp();

  const worker = new Worker<LoginJobData, { status: string; sessionId?: string }>(
    LOGIN_QUEUE,
    async (job) => {
      // A job is a turn: this slot runs the session to serve next, fairly (usually the job's own).
      const claimed = await deps.sessions.claimNext(workerId, leaseMs, job.data.sessionId);
      if (!claimed) return { status: "nothing_queued" };
      const run = runLoginSession(claimed.id, { ...deps, logger, workerId, leaseMs, claimed: true });
      runs.set(run.sessionId, run);
      try {
        // Only ids and the status are returned: BullMQ keeps return values in clear in Redis.
        return { status: await run.done, sessionId: run.sessionId };
      } finally {
        runs.delete(run.sessionId);
      }
    },
    {
      connection: deps.connection,
      prefix: deps.prefix ?? "blc",
      concurrency: deps.concurrency ?? 10,
      // A crashed worker's session ends as worker_lost (its lease lapses) and is never replayed: it was claimed,
      // so it is no longer queued. Its turn may be: taken again, it claims whatever waits next, not that session.
      maxStalledCount: 1,
    },
  );
  worker.on("error", (error) => logger.warn({ err: { message: error.message } }, "queue connection problem"));
  await worker.waitUntilReady();

  const reaper = setInterval(() => void deps.sessions.reap().catch(() => {}), deps.reapIntervalMs ?? 5_000);
  logger.info({ adapter: deps.adapter.kind, concurrency: deps.concurrency ?? 10 }, "worker ready");

  let closing: Promise<void> | undefined;
  return {
    workerId,
    running: () => [...runs.values()],
    jobs: worker,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        clearInterval(reaper);
        const stoppedTaking = worker.close();
        for (const run of runs.values()) if (run.phase !== "capturing") run.stop(shutdownStop);
        const all = Promise.all([...runs.values()].map((r) => r.done.catch(() => {})));
        await waitAtMost(all, graceMs);
        for (const run of runs.values()) run.stop(shutdownStop);
        await all;
        await stoppedTaking;
        await deps.adapter.close();
        logger.info("worker stopped");
      })();
      return closing;
    },
  };
}
