import type { Logger } from "pino";
import type { BrowserAdapter, BrowserSession } from "../../browser/browser-adapter.ts";
import type { CredentialEvents } from "../../credentials/credential-events.ts";
import type { CredentialVault } from "../../credentials/credential-vault.ts";
import type { PendingTotpSecrets } from "../../credentials/pending-totp.ts";
import type { ProviderRegistry } from "../../providers/provider-registry.ts";
import type { DevToolsHost } from "../keep-alive-ports.ts";
import type { LiveViewHost } from "../live-view-ports.ts";
import { viewerMessageFor } from "../session-messages.ts";
import { isFinal, type SessionRecord, type SessionStatus } from "../sessions/session-record.ts";
import type { SessionStore } from "../sessions/session-store.ts";
import type { SessionWakeups } from "../sessions/wakeups.ts";
import { recordBlockedRequests } from "./blocked-requests.ts";
import { captureAndStore } from "./capture-and-store.ts";
import { clientUrlRules } from "./client-url-rules.ts";
import { keepAliveFor } from "./keep-alive-handoff.ts";
import { followBrowser, loginBrowserRequest } from "./login-browser.ts";
import { snapshotLoginPage } from "./login-page-snapshot.ts";
import { countLoginRejections, watchLoginSignals } from "./login-signals.ts";
import { startLoginTimer } from "./login-timer.ts";
import { type LoginTotp, loginTotpOf } from "./login-totp.ts";
import { type ReloginSeed, reloginSeed } from "./relogin.ts";
import { completeRequests, finalStateAfter, Stopped, type StopReason, stopControl } from "./run-control.ts";
import type { SiteSignals } from "./site-signals.ts";
import { type SuccessWatcher, watchForSuccess } from "./success-watcher.ts";
import { writeBackOnClose } from "./write-back.ts";

export { shutdownStop } from "./run-control.ts";

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
  /** TOTP secrets given with a session's start, sealed until its capture (worker/login-totp.ts). */
  pendingTotp?: PendingTotpSecrets;
  /** How often the provider's code step and blocked conditions are read from the pages (default 500 ms). */
  siteSignalPollMs?: number;
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

/**
 * Runs one login session from claim to final state: open the browser, wait for the user to log in,
 * capture, encrypt, store. Whatever happens, the browser is closed and the session ends in a final state.
 */
export function runLoginSession(sessionId: string, deps: RunnerDeps): LoginSessionRun {
  const { sessions, adapter, vault, logger: baseLogger, workerId, leaseMs } = deps;
  const logger = baseLogger.child({ sessionId });
  let phase: SessionStatus | "idle" = "idle";
  const { stop, until, signal, abort } = stopControl();
  const complete = completeRequests();

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
    else if (record.completeRequested && (phase !== "kept_alive" || record.status === "kept_alive")) complete.request();
  }

  /** A re-login's starting state and version: its capture is merged into it. */
  let seeded: ReloginSeed | undefined;
  /** What the browser holds of a stored credential is stored before it closes, whatever ends the run. */
  const writeBack = writeBackOnClose({ vault, events: deps.credentialEvents, logger });

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
    let signals: SiteSignals | undefined;
    let totp: LoginTotp | undefined;
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
      const loginTimer = startLoginTimer(record, remainingMs, { phase: () => phase, stop });
      timers.push(loginTimer);

      // A client's own login URL: the rules the API checked it against, carried on the record (./client-url-rules.ts).
      const clientUrl = clientUrlRules(record, provider, adapter.kind);
      if (clientUrl && "refused" in clientUrl) throw new Stopped({ status: "failed", error: clientUrl.refused });
      const egress = clientUrl?.addressPolicy
        ? { policy: clientUrl.addressPolicy, onBlocked: recordBlockedRequests({ sessions, sessionId, logger }) }
        : undefined;
      const renewed = record.renews ? await until(reloginSeed(vault, record)) : undefined;
      totp = await until(loginTotpOf(record, provider.totp !== undefined, renewed, deps));
      if (renewed) seeded = { version: record.renews!.version, state: renewed.state };
      opening = adapter.openSession(
        loginBrowserRequest(sessionId, record, provider, { remainingMs, signal, egress, renewed }),
      );
      browser = await until(opening);
      const session = browser;
      if (seeded)
        writeBack.set(session, provider, {
          id: record.credentialId!,
          owner: record.owner,
          by: "relogin_seed",
          basedOn: seeded,
        });
      // Not awaited, so awaiting_login does not wait for it: it is read long before anyone has typed a password.
      const loginPage = snapshotLoginPage(browser, { origins: provider.origins });
      const viewing = followBrowser(session, { sessions, sessionId, stop, liveView: deps.liveView });
      stopViewing = viewing.stopViewing;

      watcher = await until(
        watchForSuccess(browser, provider, {
          signal,
          onLoginRejected: countLoginRejections({ sessions, sessionId }, () => signals),
        }),
      );
      await move({ status: "awaiting_login", liveViewUrl: browser.liveViewUrl(), ...viewing.liveViewAddress });
      // Not before: awaiting_login waits for none of it (input that came first is still seen, by the page's own record of it).
      signals = watchLoginSignals(session, provider, totp, { pollMs: deps.siteSignalPollMs, logger, stop });
      await until(watcher.succeeded);
      await move({ status: "authenticated" });

      if (provider.captureOn === "complete") {
        react(await sessions.get(sessionId));
        await until(complete.wanted);
      }
      await move({ status: "capturing" });
      const { credential, suspectReason } = await captureAndStore(
        { vault, events: deps.credentialEvents, logger, sessionId, until },
        { record, provider, browser, clientHosts: clientUrl?.allowedHosts, loginPage, totp, seeded },
      );
      // The capture replaces what the browser started from: nothing else is owed to the credential.
      writeBack.take();
      const suspect = suspectReason ? { suspect: true, suspectReason } : {};
      const keepAlive = provider.keepAlive;
      if (keepAlive) {
        clearTimeout(loginTimer);
        // The login is over: the kept-alive browser is the app's, and no code step or blocked page of it ends the session.
        void signals?.stop().catch(() => {});
        signals = undefined;
        writeBack.set(session, provider, {
          id: credential.id,
          owner: record.owner,
          by: "keep_alive",
          basedOn: { version: credential.version },
        });
        const ending = await keepAliveFor(
          {
            sessions,
            sessionId,
            move,
            until,
            signal,
            complete,
            writeBack,
            devTools: deps.devTools,
            liveView: deps.liveView,
          },
          session,
          provider,
          keepAlive.maxTime,
          credential,
          suspect,
        );
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
      abort();
      watcher?.stop();
      // Not waited for: closing the browser below ends whatever a hung page still holds of it.
      void signals?.stop().catch(() => {});
      unsubscribe();
      // A re-login that ended without a capture, a kept-alive browser cut short: keep what the site changed.
      await writeBack.take()?.();
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

  async function endAfter(error: unknown): Promise<SessionStatus | "missing"> {
    const final = finalStateAfter(error, logger);
    if (final) {
      const result = await sessions.transition(sessionId, final).catch(() => undefined);
      if (result?.ok) logger.info({ status: final.status, code: final.error.code }, "session status");
    }
    const record = await sessions.get(sessionId).catch(() => undefined);
    phase = record?.status ?? phase;
    return record?.status ?? "missing";
  }

  // A TOTP secret given for this session goes with it (the credential holds it if it was captured), however it ended.
  const done = run().finally(() => deps.pendingTotp?.delete(sessionId).catch(() => {}));
  return {
    sessionId,
    get phase() {
      return phase;
    },
    stop,
    done,
  };
}
