import { type ConnectionOptions, type JobsOptions, Queue } from "bullmq";

export const LOGIN_QUEUE = "login-sessions";

/**
 * A job is a turn at a worker slot, added with each session (job id: the session's id). The worker
 * taking it runs the session to serve next, fairly across subjects (docs/fairness.md): usually this
 * one, another subject's first one while this subject already holds others. Job data carries the
 * session id only: everything else is read from the session record.
 */
export interface LoginJobData {
  sessionId: string;
}

/**
 * One attempt: a turn that failed is not retried (its session ended with the reason). Finished jobs
 * are dropped quickly; their outcome lives in the session record.
 */
export const LOGIN_JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 24 * 3600, count: 5000 },
};

export function createLoginQueue(connection: ConnectionOptions, prefix = "blc") {
  return new Queue<LoginJobData>(LOGIN_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: LOGIN_JOB_OPTIONS,
    streams: { events: { maxLen: 1000 } },
  });
}
