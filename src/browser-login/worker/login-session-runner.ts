import type { Logger } from "pino";
import { type BrowserAdapter, BrowserAdapterError, type BrowserSession } from "../../browser/browser-adapter.ts";
import { filterByHosts } from "../../browser/capture-filter.ts";
import type { CapturedState } from "../../credentials/captured-state.ts";
import type { CredentialEvents } from "../../credentials/credential-events.ts";
import type { CredentialVault } from "../../credentials/credential-vault.ts";
import type { Device } from "../../credentials/device.ts";
import { renewInPlace } from "../../credentials/state-renewal.ts";
import type { BlockedRequest } from "../../network/egress-proxy.ts";
import type { ProviderRegistry } from "../../providers/provider-registry.ts";
import type { BrowserLoginProvider } from "../../providers/provider-schema.ts";
import type { DevToolsHost } from "../keep-alive-ports.ts";
import type { LiveViewHost } from "../live-view-ports.ts";
import { viewerMessageFor } from "../session-messages.ts";
import { isFinal, type SessionError, type SessionRecord, type SessionStatus } from "../sessions/session-record.ts";
import type { SessionStore } from "../sessions/session-store.ts";
import type { SessionWakeups } from "../sessions/wakeups.ts";
import { clientUrlRules } from "./client-url-rules.ts";
import { holdKeptAlive, type KeepAliveEnd } from "./keep-alive.ts";
import { snapshotLoginPage } from "./login-page-snapshot.ts";
import { type SuccessWatcher, watchForSuccess } from "./success-watcher.ts";
import { type WriteBackTarget, writeBackBrowserState } from "./write-back.ts";

export interface RunnerDeps {
  sessions: SessionStore;
  wakeups: SessionWakeups;
  adapter: BrowserAdapter;
  providers: ProviderRegistry;
  vault: CredentialVault;
  logger: Logger;
  workerId: string;
  leaseMs: number;
  /** The session was claimed for this run (moved to `starting` under this worker's lease: claimNext). */
  claimed?: boolean;
  /** Serves the self-hosted live view of sessions whose browser offers one (local adapter). */
  liveView?: LiveViewHost;
  /** Where a re-login's credential.renewed is logged. */
  credentialEvents?: CredentialEvents;
  /** Relays apps' DevTools connections to kept-alive browsers (src/keep-alive/). */
  devTools?: DevToolsHost;
}

/** Why a run stopped early: the final state to record, or none when someone else already ended the session. */
type StopReason = { status: "failed" | "expired"; error: SessionError } | { status: null };

class Stopped extends Error {
  readonly reason: StopReason;
  constructor(reason: StopReason) {
    super("stopped");
    this.reason = reason;
  }
}

export interface LoginSessionRun {
  readonly sessionId: string;
  /** The status this run last wrote. */
  readonly phase: SessionStatus | "idle";
  /** Ends the run early; `error` becomes the session's final state. */
  stop(reason: StopReason): void;
  /** Settles with the final status once the browser is closed. */
  readonly done: Promise<SessionStatus | "missing">;
}

export const shutdownStop: StopReason = {
  status: "failed",
  error: {
    code: "worker_shutdown",
    message: "The worker shut down before the login finished; start a new login session",
  },
};

/**
 * Runs one login session from claim to final state: open the browser, wait for the user to log in,
 * capture, encrypt, store. Whatever happens, the browser is closed and the session ends in a final state.
 */
export function runLoginSession(sessionId: string, deps: RunnerDeps): LoginSessionRun {
  const { sessions, adapter, vault, logger: baseLogger, workerId, leaseMs } = deps;
  const logger = baseLogger.child({ sessionId });
  let phase: SessionStatus | "idle" = "idle";
  let rejectStopped!: (error: Stopped) => void;
  const stopped = new Promise<never>((_, reject) => (rejectStopped = reject));
  stopped.catch(() => {});
  let completeRequested!: () => void;
  let completeWanted = new Promise<void>((resolve) => (completeRequested = resolve));

  const aborter = new AbortController();
  const stop = (reason: StopReason) => {
    aborter.abort();
    rejectStopped(new Stopped(reason));
  };
  const until = <T>(work: Promise<T>) => Promise.race([work, stopped]);

  /** Moves the session on, or stops the run when the session was ended elsewhere (cancel, reaper). */
  async function move(patch: Partial<SessionRecord>) {
    const result = await sessions.transition(sessionId, patch, { lease: { workerId, ms: leaseMs } });
    if (!result.ok) throw new Stopped({ status: null });
    if (patch.status) {
      phase = patch.status;
      logger.info({ status: patch.status }, "session status");
    }
    return result.record;
  }

  /** The record changed in Redis: ended elsewhere, or the app asked to complete. */
  function react(record: SessionRecord | undefined) {
    if (!record || isFinal(record.status)) stop({ status: null });
    // A kept-alive browser ends on a complete asked while kept alive, not on the one that asked for its capture.
    else if (record.completeRequested && (phase !== "kept_alive" || record.status === "kept_alive"))
      completeRequested();
  }

  let stopDevTools = () => {};
  /** A re-login's starting state and version: its capture is merged into it. */
  let seeded: { version: number; state: CapturedState } | undefined;
  /**
   * The browser holds a stored credential the site may have changed (a re-login's seed, a kept-alive
   * browser): how to store that before it closes, whatever ends the run.
   */
  let pendingWriteBack: (() => Promise<void>) | undefined;
  const writeBackLater = (browser: BrowserSession, provider: BrowserLoginProvider, target: WriteBackTarget) => {
    pendingWriteBack = () =>
      writeBackBrowserState({ vault, events: deps.credentialEvents, logger }, browser, provider, target).catch(
        () => {},
      );
  };

  async function run(): Promise<SessionStatus | "missing"> {
    const record = await sessions.get(sessionId);
    if (!record) return "missing";
    if (isFinal(record.status)) return record.status;
    const provider = deps.providers.get(record.providerId);
    if (provider?.kind !== "browser_login") {
      await sessions.transition(sessionId, {
        status: "failed",
        error: {
          code: "provider_unknown",
          message: `Provider ${record.providerId} is not configured on this worker as a browser login`,
        },
      });
      return "failed";
    }
    const remainingMs = Date.parse(record.expiresAt) - Date.now();
    if (remainingMs <= 0) {
      await sessions.transition(sessionId, {
        status: "expired",
        error: { code: "timeout", message: "The session expired before a worker could start it" },
      });
      return "expired";
    }

    let opening: Promise<BrowserSession> | undefined;
    let browser: BrowserSession | undefined;
    let watcher: SuccessWatcher | undefined;
    const timers: NodeJS.Timeout[] = [];
    let unsubscribe = () => {};
    let stopViewing = () => {};

    try {
      if (deps.claimed) phase = "starting";
      else await move({ status: "starting", workerId });
      unsubscribe = deps.wakeups.subscribe(sessionId, () => void sessions.get(sessionId).then(react, () => {}));
      timers.push(
        setInterval(() => void sessions.renewLease(sessionId, workerId, leaseMs).then(react, () => {}), leaseMs / 3),
      );
      const allowed = formatDuration(Date.parse(record.expiresAt) - Date.parse(record.createdAt));
      const loginTimer = setTimeout(() => {
        const message =
          phase === "starting"
            ? `The browser was not ready before the session expired (${allowed})`
            : `The login was not finished within ${allowed}`;
        stop({ status: "expired", error: { code: "timeout", message } });
      }, remainingMs);
      timers.push(loginTimer);

      // A client's own login URL: the rules the API checked it against, carried on the record (./client-url-rules.ts).
      const clientUrl = clientUrlRules(record, provider, adapter.kind);
      if (clientUrl && "refused" in clientUrl) throw new Stopped({ status: "failed", error: clientUrl.refused });
      const egress = clientUrl?.addressPolicy
        ? { policy: clientUrl.addressPolicy, onBlocked: recordBlocked() }
        : undefined;
      const renewed = record.renews ? await until(reloginSeed(record)) : undefined;
      const seed = renewed?.state;
      if (seed) seeded = { version: record.renews!.version, state: seed };
      const keepAlive = provider.keepAlive;
      opening = adapter.openSession({
        sessionId,
        loginUrl: record.loginUrl,
        // A kept-alive browser outlives the login: the adapter's own backstop must not close it first.
        timeoutMs: remainingMs + (keepAlive?.maxTime ?? 0),
        signal: aborter.signal,
        egress,
        seed,
        dedicatedBrowser: keepAlive !== undefined,
        // A re-login shows the site the device it saw at login; a new one, the person's locale and zone.
        device: renewed?.device ?? {
          locale: record.locale ?? provider.browser?.locale,
          timeZone: record.timeZone ?? provider.browser?.timeZone,
          webgl: provider.browser?.webgl,
        },
      });
      browser = await until(opening);
      const session = browser;
      if (seeded)
        writeBackLater(session, provider, {
          id: record.credentialId!,
          owner: record.owner,
          by: "relogin_seed",
          basedOn: seeded,
        });
      // Not awaited, so awaiting_login does not wait for it: it is read long before anyone has typed a password.
      const loginPage = snapshotLoginPage(browser, { origins: provider.origins });
      let shownView = session.liveViewUrl();
      browser.onEvent((event) => {
        if (event.type === "disconnected")
          stop({ status: "failed", error: { code: event.code, message: event.message } });
        // Remote live views are per tab: show the user the tab they need (a popup, then back when it closes).
        if ((event.type === "page-opened" || event.type === "page-closed") && session.liveViewUrl() !== shownView) {
          shownView = session.liveViewUrl();
          void sessions.transition(sessionId, { liveViewUrl: shownView }).catch(() => {});
        }
      });

      const viewSource = deps.liveView && session.liveViewSource?.();
      if (viewSource)
        stopViewing = deps.liveView!.register(sessionId, { source: viewSource, onEvent: (l) => session.onEvent(l) });
      const liveViewAddress = viewSource ? { liveViewAddress: deps.liveView!.address } : {};

      let rejections = 0;
      watcher = await until(
        watchForSuccess(browser, provider, {
          signal: aborter.signal,
          onLoginRejected: () => {
            rejections += 1;
            void sessions
              .transition(sessionId, { lastLoginRejection: { at: new Date().toISOString(), count: rejections } })
              .catch(() => {});
          },
        }),
      );
      await move({ status: "awaiting_login", liveViewUrl: browser.liveViewUrl(), ...liveViewAddress });
      await until(watcher.succeeded);
      await move({ status: "authenticated" });

      if (provider.captureOn === "complete") {
        react(await sessions.get(sessionId));
        await until(completeWanted);
      }
      await move({ status: "capturing" });
      const [captured, device] = await until(
        Promise.all([
          browser.capture({ origins: provider.origins, indexedDB: provider.captureIndexedDB }),
          // What the site saw, kept with the credential so that later visits look like the same device.
          browser.device?.().catch(() => undefined),
        ]),
      );
      // A client's URL can lead anywhere (SSO, ads, trackers): keep only what the operator allowed.
      const state = clientUrl && !provider.origins?.length ? filterByHosts(captured, clientUrl.allowedHosts) : captured;
      const suspectReason = await until(loginPage.suspectReason(state));
      const usage = {
        usage: keepAlive ? ("live" as const) : ("restore" as const),
        lastAcceptedAt: new Date().toISOString(),
      };
      const credential = record.renews
        ? await renew(record, state, suspectReason, { ...usage, visitedOrigins: browser.visitedOrigins?.() }, device)
        : await vault.seal({
            secret: { kind: "browser_login", state },
            owner: record.owner,
            providerId: provider.id,
            sessionId,
            suspectReason,
            details: { ...usage, ...(device ? { device } : {}) },
          });
      pendingWriteBack = undefined;
      if (suspectReason)
        logger.warn(
          { credentialId: credential.id },
          "captured nothing new since the login page loaded: credential marked suspect",
        );
      const suspect = suspectReason ? { suspect: true, suspectReason } : {};
      if (keepAlive) {
        clearTimeout(loginTimer);
        writeBackLater(session, provider, {
          id: credential.id,
          owner: record.owner,
          by: "keep_alive",
          basedOn: { version: credential.version },
        });
        const ending = await keepAliveFor(session, provider, keepAlive.maxTime, credential, suspect);
        phase = "completed";
        logger.info({ status: "completed", credentialId: credential.id, keepAlive: ending }, "session status");
        return "completed";
      }
      const finished = await sessions.transition(sessionId, {
        status: "completed",
        credentialId: credential.id,
        ...suspect,
      });
      if (!finished.ok) {
        // Cancelled while capturing: the user asked for nothing to be kept (a renewed credential is already in place).
        if (!record.renews) await vault.delete(credential.id);
        return finished.status ?? "cancelled";
      }
      phase = "completed";
      logger.info(
        {
          status: "completed",
          credentialId: credential.id,
          cookies: credential.cookieCount,
          origins: credential.origins?.length ?? 0,
        },
        "session status",
      );
      return "completed";
    } catch (error) {
      return await endAfter(error);
    } finally {
      aborter.abort();
      watcher?.stop();
      unsubscribe();
      stopDevTools();
      // A re-login that ended without a capture, a kept-alive browser cut short: keep what the site changed.
      await pendingWriteBack?.();
      stopViewing();
      for (const timer of timers) clearTimeout(timer);
      // A headed window says so before it closes, as the live view's page does.
      await browser
        ?.close(phase === "completed" ? viewerMessageFor({ status: "completed" }) : undefined)
        .catch(() => {});
      // The run may have walked away from an open still under way: the adapter gives up on the abort,
      // and whatever it still yields is closed here, before the run reports itself done.
      if (opening && !browser) await opening.then((late) => late.close()).catch(() => {});
    }
  }

  /**
   * The state a re-login starts from: the credential it renews, decrypted (and audited) for this
   * browser only, and the device it was captured on.
   */
  async function reloginSeed(record: SessionRecord): Promise<{ state: CapturedState; device?: Device }> {
    const access = { purpose: "relogin_seed", apiKeyId: record.renews?.apiKeyId, requestId: record.renews?.requestId };
    const opened = record.credentialId ? await vault.open(record.credentialId, record.owner, access) : undefined;
    if (opened?.secret.kind !== "browser_login")
      throw new Stopped({
        status: "failed",
        error: { code: "credential_not_found", message: "The credential to renew no longer exists" },
      });
    return { state: opened.secret.state, device: opened.metadata.device };
  }

  /**
   * Replaces the renewed credential in place (same id, next version), merged into the state the
   * re-login started from (origins the browser did not load keep their storage), unless someone
   * else replaced it since the re-login began.
   */
  async function renew(
    record: SessionRecord,
    state: CapturedState,
    suspectReason: string | undefined,
    { visitedOrigins, ...details }: { usage: "restore" | "live"; lastAcceptedAt: string; visitedOrigins?: string[] },
    device: Device | undefined,
  ) {
    const provider = deps.providers.get(record.providerId);
    const result = await renewInPlace(
      { vault, events: deps.credentialEvents },
      {
        id: record.credentialId!,
        owner: record.owner,
        basedOn: seeded!,
        captured: state,
        scope: { origins: provider?.kind === "browser_login" ? provider.origins : undefined, visitedOrigins },
        by: "relogin",
        always: true,
        suspectReason,
        details: {
          ...details,
          status: "active",
          sessionId,
          lastVerifiedAt: details.lastAcceptedAt,
          ...(device ? { device } : {}),
        },
      },
    );
    if (result.outcome !== "renewed") {
      const error =
        result.outcome === "missing"
          ? {
              code: "credential_not_found",
              message: "The credential was deleted during the re-login; nothing was kept",
            }
          : {
              code: "credential_changed",
              message:
                "The credential was replaced by another re-login or refresh meanwhile; this capture was not kept",
            };
      throw new Stopped({ status: "failed", error });
    }
    return result.metadata;
  }

  /**
   * The provider's sessions need a live page: the credential is stored, and the logged-in browser
   * stays open (kept_alive) until the app ends it, its time runs out or the site logs it out; then
   * what the browser holds is stored in place and the session completes. Apps drive it over
   * DevTools through the API; the person's live view stays open.
   */
  async function keepAliveFor(
    browser: BrowserSession,
    provider: BrowserLoginProvider,
    maxMs: number,
    credential: { id: string; version: number },
    suspect: { suspect?: boolean; suspectReason?: string },
  ): Promise<KeepAliveEnd> {
    const until_ = new Date(Date.now() + maxMs).toISOString();
    const endpoint = browser.devToolsEndpoint?.();
    const devTools = endpoint !== undefined && deps.devTools !== undefined && deps.liveView !== undefined;
    const keepAlive = { until: until_, devTools };
    completeWanted = new Promise<void>((resolve) => (completeRequested = resolve));
    await move({
      status: "kept_alive",
      credentialId: credential.id,
      completeRequested: false,
      keepAlive,
      ...suspect,
    });
    await sessions.extend(sessionId, Date.parse(until_));
    if (devTools) stopDevTools = deps.devTools!.register(sessionId, endpoint!);
    const ending = await until(
      holdKeptAlive(browser, provider, { maxMs, endRequested: completeWanted, signal: aborter.signal }),
    );
    stopDevTools();
    // Like a profile persisted when its browser closes: what the site changed while it was alive is kept.
    // A logged-out browser holds the site's goodbye, not a newer login.
    const writeBack = pendingWriteBack;
    pendingWriteBack = undefined;
    if (ending !== "logged_out") await writeBack?.();
    const finished = await sessions.transition(sessionId, {
      status: "completed",
      keepAlive: { ...keepAlive, endedAt: new Date().toISOString(), endReason: ending },
    });
    if (!finished.ok) throw new Stopped({ status: null });
    return ending;
  }

  /** Records refused requests on the session; one write at a time, the latest count wins, however fast a page retries. */
  function recordBlocked() {
    let count = 0;
    let latest: BlockedRequest | undefined;
    let writing = false;
    const write = (): void => {
      if (writing || !latest) return;
      const { host, reason } = latest;
      latest = undefined;
      writing = true;
      logger.info({ host, reason, count }, "request blocked");
      void sessions
        .transition(sessionId, { lastBlockedRequest: { at: new Date().toISOString(), host, reason, count } })
        .catch(() => {})
        .finally(() => {
          writing = false;
          write();
        });
    };
    return (blocked: BlockedRequest) => {
      count += 1;
      latest = blocked;
      write();
    };
  }

  async function endAfter(error: unknown): Promise<SessionStatus | "missing"> {
    let final: { status: "failed" | "expired"; error: SessionError } | null;
    if (error instanceof Stopped) {
      final = error.reason.status ? error.reason : null;
    } else if (error instanceof BrowserAdapterError) {
      final = { status: "failed", error: { code: error.code, message: error.message } };
    } else {
      logger.error(
        { err: { name: (error as Error)?.name, message: (error as Error)?.message?.split("\n")[0] } },
        "session run crashed",
      );
      final = {
        status: "failed",
        error: { code: "internal_error", message: "The worker hit an unexpected error while running this session" },
      };
    }
    if (final) {
      const result = await sessions.transition(sessionId, final).catch(() => undefined);
      if (result?.ok) logger.info({ status: final.status, code: final.error.code }, "session status");
    }
    const record = await sessions.get(sessionId).catch(() => undefined);
    phase = record?.status ?? phase;
    return record?.status ?? "missing";
  }

  const done = run();
  return {
    sessionId,
    get phase() {
      return phase;
    },
    stop,
    done,
  };
}

function formatDuration(ms: number): string {
  if (ms < 90_000) return `${Math.round(ms / 1000)} seconds`;
  return `${Math.round(ms / 60_000)} minutes`;
}
