import { type ConnectionOptions, type JobsOptions, Queue } from "bullmq";
import type { Subject } from "../core/subject.ts";
import type { CheckStatus } from "../credentials/credential-metadata-schema.ts";

export const CREDENTIAL_CHECK_QUEUE = "credential-checks";

/**
 * A check of one credential, asked by its owner (`POST /credentials/:id/verify`) or by a provider's
 * sweep. Ids only: the worker reads and decrypts the credential itself, so no state travels in Redis.
 */
export interface CheckJobData {
  credentialId: string;
  owner: Subject;
  /** Save the cookies as the site left them (re-encrypted in place): only asked by the owner. */
  refresh?: boolean;
  /** "request": the owner asked (browser check); "schedule": a sweep (the HTTP check when declared). */
  trigger: "request" | "schedule";
  /** For the audit entry of the decrypt: which API key asked, in which request. */
  apiKeyId?: string;
  requestId?: string;
}

/** A provider's sweep: lists its credentials and schedules one check each, spread over the interval. */
export interface SweepJobData {
  providerId: string;
  everyMs: number;
}

/** What a check found. Kept by BullMQ in clear: statuses, times and counts only. */
export interface CheckResult {
  outcome: "checked" | "missing" | "not_verifiable";
  status?: CheckStatus;
  /** How it was decided: in a browser, by the HTTP check, or from the captured cookies' own expiry. */
  method?: "browser" | "http" | "predicted_expiry";
  /** Why the status is what it is, for people (no URL, no value). */
  reason?: string;
  lastVerifiedAt?: string;
  version?: number;
  refreshed?: boolean;
  ms?: number;
}

export type CredentialCheckQueue = Queue<CheckJobData | SweepJobData, CheckResult | { scheduled: number }>;

/** One attempt: a check that failed is recorded as such (status unknown); the next sweep tries again. */
export const CHECK_JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 24 * 3600, count: 5_000 },
};

export function createCredentialCheckQueue(connection: ConnectionOptions, prefix = "blc"): CredentialCheckQueue {
  return new Queue(CREDENTIAL_CHECK_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: CHECK_JOB_OPTIONS,
    streams: { events: { maxLen: 1000 } },
  });
}

/** Where in its interval a credential is checked: the same place each time, credentials spread evenly. */
export function spreadDelayMs(credentialId: string, everyMs: number): number {
  let hash = 2166136261;
  for (let i = 0; i < credentialId.length; i++) hash = Math.imul(hash ^ credentialId.charCodeAt(i), 16777619) >>> 0;
  return hash % everyMs;
}
