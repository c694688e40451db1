import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { type BrowserAdapter, BrowserAdapterError, type BrowserSession } from "../browser/browser-adapter.ts";
import { type CheckSecondFactor, watchCheckSecondFactor } from "../browser-login/worker/check-second-factor.ts";
import { watchForSuccess } from "../browser-login/worker/success-watcher.ts";
import type { Subject } from "../core/subject.ts";
import type { CapturedState } from "../credentials/captured-state.ts";
import type { CredentialEvents } from "../credentials/credential-events.ts";
import type { CredentialStatus } from "../credentials/credential-metadata-schema.ts";
import type { CredentialSecret } from "../credentials/credential-secret.ts";
import type { CredentialMetadata } from "../credentials/credential-store.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import type { BrowserLoginProvider, SuccessCondition, VerifyDeclaration } from "../providers/provider-schema.ts";
import type { CheckJobData, CheckResult } from "./check-queue.ts";
import { cookieHeaderFor } from "./cookie-header.ts";

export interface CheckDeps {
  vault: CredentialVault;
  adapter: BrowserAdapter;
  providers: ProviderRegistry;
  events: CredentialEvents;
  logger: Logger;
  /** Loading the check's page; past it the check is `unknown`. */
  navigationTimeoutMs?: number;
}

interface Finding {
  status: CredentialStatus;
  method: NonNullable<CheckResult["method"]>;
  reason: string;
  /** The state as the site left it (refresh: true, active only). */
  refreshed?: CapturedState;
}

/**
 * Checks one credential and records what it found: `status` and `lastVerifiedAt` (and, with
 * `refresh`, the state as the site left it, re-encrypted in place), then `credential.verified`
 * (active) or `credential.expired` (it became expired). The stored state changes only with refresh.
 * Every way out closes the browser session it opened; `signal` (the worker shutting down) ends it early.
 */
export async function checkCredential(job: CheckJobData, deps: CheckDeps, signal: AbortSignal): Promise<CheckResult> {
  const started = performance.now();
  const { credentialId: id, owner } = job;
  const metadata = await deps.vault.describe(id, owner);
  if (!metadata) return { outcome: "missing" };
  const provider = deps.providers.get(metadata.providerId);
  if (metadata.kind !== "browser_login" || provider?.kind !== "browser_login" || !provider.verify) {
    return {
      outcome: "not_verifiable",
      reason: `Provider ${metadata.providerId} declares no verify check on this worker`,
    };
  }
  const verify = provider.verify;

  let finding: Finding;
  const predicted = metadata.expiresAt ? Date.parse(metadata.expiresAt) : NaN;
  if (job.trigger === "schedule" && predicted <= Date.now()) {
    // The site's own cookies said when they would stop: no decrypt, no browser.
    finding = { status: "expired", method: "predicted_expiry", reason: "The captured cookies' own expiry has passed" };
  } else {
    const opened = await deps.vault.open(id, owner, {
      purpose: "verify",
      apiKeyId: job.apiKeyId,
      requestId: job.requestId,
    });
    if (opened?.secret.kind !== "browser_login") return { outcome: "missing" };
    const state = opened.secret.state;
    finding =
      job.trigger === "schedule" && verify.http
        ? await httpCheck(state, verify, signal)
        : await browserCheck({ metadata: opened.metadata, secret: opened.secret, owner }, provider, verify, {
            refresh: job.refresh === true,
            signal,
            deps,
          });
  }

  const recorded = await record(metadata, finding, owner, deps);
  if (!recorded) return { outcome: "missing" };
  deps.logger.info(
    { credentialId: id, status: finding.status, method: finding.method, refreshed: !!finding.refreshed },
    "credential checked",
  );
  return {
    outcome: "checked",
    status: finding.status,
    method: finding.method,
    reason: finding.reason,
    lastVerifiedAt: recorded.lastVerifiedAt ?? undefined,
    version: recorded.version,
    refreshed: !!finding.refreshed,
    ms: Math.round(performance.now() - started),
  };
}

/** Writes the finding; a refreshed state replaces the old one in place, unless another writer moved the version on. */
async function record(
  before: CredentialMetadata,
  finding: Finding,
  owner: Subject,
  deps: CheckDeps,
): Promise<CredentialMetadata | undefined> {
  const lastVerifiedAt = new Date().toISOString();
  let result = finding.refreshed
    ? await deps.vault.replace(before.id, {
        secret: { kind: "browser_login", state: finding.refreshed },
        expectedVersion: before.version,
        details: { status: "active", lastVerifiedAt },
      })
    : undefined;
  if (!result || result.outcome === "changed")
    result = await deps.vault.updateMetadata(before.id, () => ({ status: finding.status, lastVerifiedAt }));
  if (result.outcome !== "replaced") return undefined;
  if (finding.status === "active")
    await deps.events.appendCredentialEvent("credential.verified", owner, result.metadata);
  if (finding.status === "expired" && before.status !== "expired")
    await deps.events.appendCredentialEvent("credential.expired", owner, result.metadata);
  return result.metadata;
}

/**
 * Opens the verify URL logged in as the state, and sees which condition holds. A one-time-code step
 * on the way is filled from the credential's TOTP secret (browser-login/worker/check-second-factor.ts).
 */
async function browserCheck(
  credential: { metadata: CredentialMetadata; secret: CredentialSecret & { kind: "browser_login" }; owner: Subject },
  provider: BrowserLoginProvider,
  verify: VerifyDeclaration,
  { refresh, signal, deps }: { refresh: boolean; signal: AbortSignal; deps: CheckDeps },
): Promise<Finding> {
  const budgetMs = (deps.navigationTimeoutMs ?? 30_000) + verify.timeoutMs + verify.settleMs;
  const abort = new AbortController();
  const giveUp = () => abort.abort();
  signal.addEventListener("abort", giveUp, { once: true });
  const deadline = setTimeout(giveUp, budgetMs);
  let browser: BrowserSession | undefined;
  let secondFactor: CheckSecondFactor | undefined;
  try {
    browser = await deps.adapter.openSession({
      sessionId: `verify_${randomUUID()}`,
      loginUrl: verify.url,
      timeoutMs: budgetMs,
      signal: abort.signal,
      seed: credential.secret.state,
    });
    secondFactor = watchCheckSecondFactor(browser, provider, credential, { vault: deps.vault });
    let decided = await decide(browser, provider, verify, abort.signal);
    // A code typed meanwhile moves the page on: what it shows next decides.
    while (decided.status !== "active" && (await secondFactor.lookAgain(abort.signal)))
      decided = await decide(browser, provider, verify, abort.signal);
    const verdict = await secondFactor.finish(decided);
    secondFactor = undefined;
    if (verdict) return { ...verdict, method: "browser" };
    if (!refresh || decided.status !== "active") return { ...decided, method: "browser" };
    const refreshed = await browser.capture({ origins: provider.origins, indexedDB: provider.captureIndexedDB });
    return { ...decided, method: "browser", refreshed };
  } catch (error) {
    const reason = abort.signal.aborted
      ? signal.aborted
        ? "The worker shut down during the check"
        : `The check did not finish within ${Math.round(budgetMs / 1000)} s`
      : error instanceof BrowserAdapterError
        ? `The browser could not open the check page (${error.code})`
        : "The check failed in the worker";
    return { status: "unknown", method: "browser", reason };
  } finally {
    clearTimeout(deadline);
    signal.removeEventListener("abort", giveUp);
    await secondFactor?.finish({ status: "unknown" }).catch(() => {});
    await browser?.close().catch(() => {});
  }
}

/**
 * Whichever condition holds first (for its settle time) decides. When neither does in time, the one
 * that was not declared decides: only loggedIn declared means it never showed (expired); only
 * loggedOut means it never showed (active); both declared means nobody can tell (unknown).
 */
async function decide(
  browser: BrowserSession,
  provider: BrowserLoginProvider,
  verify: VerifyDeclaration,
  signal: AbortSignal,
): Promise<Omit<Finding, "method">> {
  const stop = new AbortController();
  const stopAll = () => stop.abort();
  signal.addEventListener("abort", stopAll, { once: true });
  const watch = (condition: SuccessCondition | undefined, status: CredentialStatus, reason: string) =>
    condition
      ? watchForSuccess(
          browser,
          { ...provider, success: condition, settleMs: verify.settleMs, failureUrls: [], failureResponses: [] },
          { presence: true, signal: stop.signal },
        ).then((w) => w.succeeded.then(() => ({ status, reason })))
      : new Promise<never>(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Omit<Finding, "method">>((resolve) => {
    timer = setTimeout(() => {
      if (verify.loggedIn && verify.loggedOut)
        resolve({ status: "unknown", reason: "Neither the logged-in nor the logged-out condition held in time" });
      else if (verify.loggedIn) resolve({ status: "expired", reason: "The logged-in condition did not hold" });
      else resolve({ status: "active", reason: "The logged-out condition did not hold" });
    }, verify.timeoutMs);
  });
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(new Error("aborted"));
    signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
  });
  aborted.catch(() => {});
  try {
    return await Promise.race([
      watch(verify.loggedIn, "active", "The logged-in condition held"),
      watch(verify.loggedOut, "expired", "The logged-out condition held"),
      timedOut,
      aborted,
    ]);
  } finally {
    clearTimeout(timer);
    stopAll();
    signal.removeEventListener("abort", stopAll);
  }
}

/** A GET with the state's cookies for the URL, redirects not followed: an expected status means logged in. */
async function httpCheck(state: CapturedState, verify: VerifyDeclaration, signal: AbortSignal): Promise<Finding> {
  const http = verify.http!;
  const url = new URL(http.url ?? verify.url);
  const cookie = cookieHeaderFor(state.cookies, url);
  try {
    const response = await fetch(url, {
      redirect: "manual",
      headers: cookie ? { cookie } : {},
      signal: AbortSignal.any([signal, AbortSignal.timeout(verify.timeoutMs)]),
    });
    await response.body?.cancel().catch(() => {});
    const expected = [http.expectStatus].flat();
    return expected.includes(response.status)
      ? { status: "active", method: "http", reason: `The check answered ${response.status}` }
      : {
          status: "expired",
          method: "http",
          reason: `The check answered ${response.status}, not ${expected.join(" or ")}`,
        };
  } catch {
    return { status: "unknown", method: "http", reason: "The check request did not get an answer" };
  }
}
