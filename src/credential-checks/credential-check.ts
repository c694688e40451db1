import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { type BrowserAdapter, BrowserAdapterError, type BrowserSession } from "../browser/browser-adapter.ts";
import { type CheckSecondFactor, watchCheckSecondFactor } from "../browser-login/worker/check-second-factor.ts";
import { watchForSuccess } from "../browser-login/worker/success-watcher.ts";
import { withDeadline } from "../core/deadline.ts";
import type { Subject } from "../core/subject.ts";
import type { CapturedState } from "../credentials/captured-state.ts";
import type { MergeScope } from "../credentials/captured-state-merge.ts";
import type { CredentialEvents } from "../credentials/credential-events.ts";
import type { CheckStatus, CredentialStatus, LastCheck } from "../credentials/credential-metadata-schema.ts";
import type { CredentialSecret } from "../credentials/credential-secret.ts";
import type { CredentialMetadata } from "../credentials/credential-store.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import type { Device } from "../credentials/device.ts";
import { renewInPlace } from "../credentials/state-renewal.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import type { BrowserLoginProvider, SuccessCondition } from "../providers/provider-schema.ts";
import { type CheckPlan, checkPlanFor } from "./check-plan.ts";
import type { CheckJobData, CheckResult } from "./check-queue.ts";
import { cookieHeaderFor } from "./cookie-header.ts";
import { applySetCookies } from "./set-cookie.ts";

export interface CheckDeps {
  vault: CredentialVault;
  adapter: BrowserAdapter;
  providers: ProviderRegistry;
  events: CredentialEvents;
  logger: Logger;
  /** Loading the check's page; past it the check is `inconclusive`. */
  navigationTimeoutMs?: number;
  /** The default check's wait for the logged-in condition (DEFAULT_CHECK_TIMEOUT_MS). */
  defaultCheckTimeoutMs?: number;
}

interface Finding {
  status: CheckStatus;
  method: NonNullable<CheckResult["method"]>;
  reason: string;
  /** What the site left behind (the browser's state, or the HTTP answer's cookies applied), and what of it was seen. */
  captured?: { state: CapturedState; scope: MergeScope };
}

/** How long a check that ended early (its time budget, a shutdown) may spend reading what the site changed. */
const LATE_CAPTURE_MS = 3_000;

/**
 * Checks one credential and records what it found: `status`, `lastVerifiedAt` and `lastCheck`, then
 * `credential.verified` (active) or `credential.expired` (it became expired). A check presents the
 * credential to the site, and sites rotate sessions on use: whatever the site changed is stored in
 * place (merged, version + 1, compare-and-swap on the version the check opened, `credential.renewed`),
 * unless the site said it is logged out. A check that cannot decide is `inconclusive` and never marks
 * a credential expired. Every way out closes the browser session it opened; `signal` (the worker
 * shutting down) ends it early.
 */
export async function checkCredential(job: CheckJobData, deps: CheckDeps, signal: AbortSignal): Promise<CheckResult> {
  const started = performance.now();
  const { credentialId: id, owner } = job;
  const metadata = await deps.vault.describe(id, owner);
  if (!metadata) return { outcome: "missing" };
  const provider = deps.providers.get(metadata.providerId);
  if (metadata.kind !== "browser_login" || provider?.kind !== "browser_login") {
    return {
      outcome: "not_verifiable",
      reason: `Provider ${metadata.providerId} is not configured on this worker as a browser login`,
    };
  }
  const plan = checkPlanFor(provider, deps.defaultCheckTimeoutMs);

  let finding: Finding;
  let opened: { version: number; state: CapturedState } | undefined;
  const predicted = metadata.expiresAt ? Date.parse(metadata.expiresAt) : NaN;
  if (job.trigger === "schedule" && predicted <= Date.now()) {
    // The site's own cookies said when they would stop: no decrypt, no browser.
    finding = { status: "expired", method: "predicted_expiry", reason: "The captured cookies' own expiry has passed" };
  } else {
    const read = await deps.vault.open(id, owner, {
      purpose: "verify",
      apiKeyId: job.apiKeyId,
      requestId: job.requestId,
    });
    if (read?.secret.kind !== "browser_login") return { outcome: "missing" };
    opened = { version: read.metadata.version, state: read.secret.state };
    // The site sees the device it saw at login (docs/real-sites.md, "One device per connection").
    const device = read.metadata.device;
    finding =
      job.trigger === "schedule" && plan.http
        ? await httpCheck(opened.state, plan, signal, device)
        : await browserCheck({ metadata: read.metadata, secret: read.secret, owner }, provider, plan, {
            signal,
            deps,
            device,
          });
  }

  const recorded = await record(metadata, opened, finding, owner, deps);
  if (!recorded) return { outcome: "missing" };
  deps.logger.info(
    { credentialId: id, status: finding.status, method: finding.method, renewed: recorded.renewed },
    "credential checked",
  );
  return {
    outcome: "checked",
    status: finding.status,
    method: finding.method,
    reason: finding.reason,
    lastVerifiedAt: recorded.metadata.lastVerifiedAt ?? undefined,
    version: recorded.metadata.version,
    refreshed: recorded.renewed,
    ms: Math.round(performance.now() - started),
  };
}

/** The credential's status after a check: an inconclusive one proves nothing, so an expired credential stays expired. */
function statusAfter(before: CredentialStatus, found: CheckStatus): CredentialStatus {
  if (found === "inconclusive" && before === "expired") return "expired";
  return found;
}

/** Writes the finding, and what the site changed (in place, unless another writer moved the version on). */
async function record(
  before: CredentialMetadata,
  opened: { version: number; state: CapturedState } | undefined,
  finding: Finding,
  owner: Subject,
  deps: CheckDeps,
): Promise<{ metadata: CredentialMetadata; renewed: boolean } | undefined> {
  const at = new Date().toISOString();
  const lastCheck: LastCheck = {
    at,
    status: finding.status,
    method: finding.method,
    reason: finding.reason,
    touched: finding.method !== "predicted_expiry",
    renewed: false,
  };
  const details = (renewed: boolean): Partial<CredentialMetadata> => ({
    lastVerifiedAt: at,
    lastCheck: { ...lastCheck, renewed },
    ...(finding.status === "active" ? { lastAcceptedAt: at } : {}),
  });
  // A logged-out browser's state is the site's goodbye, not a newer login: it is not stored.
  if (opened && finding.captured && finding.status !== "expired") {
    const renewal = await renewInPlace(
      { vault: deps.vault, events: deps.events },
      {
        id: before.id,
        owner,
        basedOn: opened,
        captured: finding.captured.state,
        scope: finding.captured.scope,
        by: "check",
        details: { ...details(true), status: statusAfter(before.status, finding.status) },
      },
    );
    if (renewal.outcome === "missing") return undefined;
    if (renewal.outcome === "renewed") {
      await announce(before, renewal.metadata, finding, owner, deps);
      return { metadata: renewal.metadata, renewed: true };
    }
  }
  const result = await deps.vault.updateMetadata(before.id, (current) => ({
    ...details(false),
    status: statusAfter(current.status, finding.status),
  }));
  if (result.outcome !== "replaced") return undefined;
  await announce(before, result.metadata, finding, owner, deps);
  return { metadata: result.metadata, renewed: false };
}

async function announce(
  before: CredentialMetadata,
  after: CredentialMetadata,
  finding: Finding,
  owner: Subject,
  deps: CheckDeps,
) {
  if (finding.status === "active") await deps.events.appendCredentialEvent("credential.verified", owner, after);
  if (finding.status === "expired" && before.status !== "expired")
    await deps.events.appendCredentialEvent("credential.expired", owner, after);
}

/**
 * Opens the check's URL logged in as the state, sees which condition holds, and reads what the site
 * left. A one-time-code step on the way is filled from the credential's TOTP secret
 * (browser-login/worker/check-second-factor.ts), and decides the check when the site turns the code
 * down or asks for one there is none to type for (needs_reauth).
 */
async function browserCheck(
  credential: { metadata: CredentialMetadata; secret: CredentialSecret & { kind: "browser_login" }; owner: Subject },
  provider: BrowserLoginProvider,
  plan: CheckPlan,
  { signal, deps, device }: { signal: AbortSignal; deps: CheckDeps; device?: Device },
): Promise<Finding> {
  const budgetMs = (deps.navigationTimeoutMs ?? 30_000) + plan.timeoutMs + plan.settleMs;
  const abort = new AbortController();
  const giveUp = () => abort.abort();
  signal.addEventListener("abort", giveUp, { once: true });
  const deadline = setTimeout(giveUp, budgetMs);
  let browser: BrowserSession | undefined;
  let secondFactor: CheckSecondFactor | undefined;
  let decided: Omit<Finding, "method" | "captured"> | undefined;
  const state = credential.secret.state;
  try {
    browser = await deps.adapter.openSession({
      sessionId: `verify_${randomUUID()}`,
      loginUrl: plan.url,
      timeoutMs: budgetMs + LATE_CAPTURE_MS,
      signal: abort.signal,
      seed: state,
      device,
    });
    secondFactor = watchCheckSecondFactor(browser, provider, credential, { vault: deps.vault });
    // The code step or a blocked page may decide first (finish() below gives the verdict).
    const until = AbortSignal.any([abort.signal, secondFactor.decisive]);
    decided = await decide(browser, provider, plan, state, until);
    // A code typed meanwhile moves the page on: what it shows next decides.
    while (decided.status !== "active" && (await secondFactor.lookAgain(abort.signal)))
      decided = await decide(browser, provider, plan, state, until);
  } catch (error) {
    const reason = abort.signal.aborted
      ? signal.aborted
        ? "The worker shut down during the check"
        : `The check did not finish within ${Math.round(budgetMs / 1000)} s`
      : error instanceof BrowserAdapterError
        ? `The browser could not open the check page (${error.code})`
        : "The check failed in the worker";
    decided = { status: "inconclusive", reason };
  } finally {
    clearTimeout(deadline);
    signal.removeEventListener("abort", giveUp);
  }
  // The code step decides the check when it was turned down, or asked for with nothing to type (or the site blocked the check).
  const verdict = await secondFactor?.finish(decided).catch(() => undefined);
  if (verdict) decided = verdict;
  try {
    // The visit may have made the site rotate the session, whatever the outcome short of a logout
    // (or a code step not passed): read what it left, within a bound when the check was cut short.
    const captured =
      browser && decided.status !== "expired" && decided.status !== "needs_reauth"
        ? await withDeadline(readBack(browser, provider), {
            ms: abort.signal.aborted ? LATE_CAPTURE_MS : budgetMs,
            what: "Reading the check's browser",
            abandon: () => {},
          }).catch(() => undefined)
        : undefined;
    return { ...decided, method: "browser", ...(captured ? { captured } : {}) };
  } finally {
    await browser?.close().catch(() => {});
  }
}

async function readBack(browser: BrowserSession, provider: BrowserLoginProvider) {
  const state = await browser.capture({ origins: provider.origins, indexedDB: provider.captureIndexedDB });
  return { state, scope: { origins: provider.origins, visitedOrigins: browser.visitedOrigins?.() } };
}

/**
 * Whichever condition holds first (for its settle time) decides. When neither does in time, a
 * declared check lets the one that was not declared decide: only loggedIn declared means it never
 * showed (expired); only loggedOut means it never showed (active); both declared means nobody can
 * tell (inconclusive). The default check cannot tell either (inconclusive).
 */
async function decide(
  browser: BrowserSession,
  provider: BrowserLoginProvider,
  plan: CheckPlan,
  stored: CapturedState,
  signal: AbortSignal,
): Promise<Omit<Finding, "method">> {
  const stop = new AbortController();
  const stopAll = () => stop.abort();
  signal.addEventListener("abort", stopAll, { once: true });
  // A declared check reads a cookie or storage leaf as "present"; the default one as "the site wrote a new value".
  const compare = plan.isDefault ? { baseline: stored } : { presence: true };
  const watch = (condition: SuccessCondition | undefined, status: CheckStatus, reason: string) =>
    condition
      ? watchForSuccess(
          browser,
          { ...provider, success: condition, settleMs: plan.settleMs, failureUrls: [], failureResponses: [] },
          { ...compare, signal: stop.signal },
        ).then((w) => w.succeeded.then(() => ({ status, reason })))
      : new Promise<never>(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Omit<Finding, "method">>((resolve) => {
    timer = setTimeout(() => {
      if (plan.isDefault)
        resolve({
          status: "inconclusive",
          reason: `The login URL did not lead to the logged-in condition within ${Math.round(plan.timeoutMs / 1000)} s; declare "verify" for a check that can tell`,
        });
      else if (plan.loggedIn && plan.loggedOut)
        resolve({ status: "inconclusive", reason: "Neither the logged-in nor the logged-out condition held in time" });
      else if (plan.loggedIn) resolve({ status: "expired", reason: "The logged-in condition did not hold" });
      else resolve({ status: "active", reason: "The logged-out condition did not hold" });
    }, plan.timeoutMs);
  });
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(new Error("aborted"));
    signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
  });
  aborted.catch(() => {});
  try {
    return await Promise.race([
      watch(
        plan.loggedIn,
        "active",
        plan.isDefault ? "The login URL led to the logged-in condition" : "The logged-in condition held",
      ),
      watch(plan.loggedOut, "expired", "The logged-out condition held"),
      timedOut,
      aborted,
    ]);
  } finally {
    clearTimeout(timer);
    stopAll();
    signal.removeEventListener("abort", stopAll);
  }
}

/**
 * A GET with the state's cookies for the URL, redirects not followed: an expected status means
 * logged in. Cookies the answer sets (a rotated session) are applied to the state, to be stored.
 * With the recorded device, it says the user agent and languages the site saw at login.
 */
async function httpCheck(
  state: CapturedState,
  plan: CheckPlan,
  signal: AbortSignal,
  device?: Device,
): Promise<Finding> {
  const http = plan.http!;
  const url = new URL(http.url ?? plan.url);
  const cookie = cookieHeaderFor(state.cookies, url);
  try {
    const response = await fetch(url, {
      redirect: "manual",
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(device ? { "user-agent": device.userAgent, "accept-language": device.locale } : {}),
      },
      signal: AbortSignal.any([signal, AbortSignal.timeout(plan.timeoutMs)]),
    });
    await response.body?.cancel().catch(() => {});
    const setCookies = response.headers.getSetCookie();
    const captured = setCookies.length
      ? {
          state: { cookies: await applySetCookies(state.cookies, url, setCookies), origins: [] },
          // No page ran: every origin's storage stays as stored.
          scope: { visitedOrigins: [] },
        }
      : undefined;
    const expected = [http.expectStatus].flat();
    return expected.includes(response.status)
      ? { status: "active", method: "http", reason: `The check answered ${response.status}`, captured }
      : {
          status: "expired",
          method: "http",
          reason: `The check answered ${response.status}, not ${expected.join(" or ")}`,
        };
  } catch {
    return { status: "inconclusive", method: "http", reason: "The check request did not get an answer" };
  }
}
