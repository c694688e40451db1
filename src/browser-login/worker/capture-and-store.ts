import type { Logger } from "pino";
import type { BrowserSession } from "../../browser/browser-adapter.ts";
import { filterByHosts } from "../../browser/capture-filter.ts";
import type { CredentialEvents } from "../../credentials/credential-events.ts";
import type { CredentialMetadata } from "../../credentials/credential-metadata-schema.ts";
import type { CredentialVault } from "../../credentials/credential-vault.ts";
import type { BrowserLoginProvider } from "../../providers/provider-schema.ts";
import type { SessionRecord } from "../sessions/session-record.ts";
import type { LoginPageSnapshot } from "./login-page-snapshot.ts";
import type { LoginTotp } from "./login-totp.ts";
import { type ReloginSeed, renewFromRelogin } from "./relogin.ts";
import type { Until } from "./run-control.ts";

export interface CaptureDeps {
  vault: CredentialVault;
  events?: CredentialEvents;
  logger: Logger;
  sessionId: string;
  until: Until;
}

/**
 * Captures what the logged-in browser holds and stores it: a new credential, sealed, or (a re-login)
 * the renewed one replaced in place. A capture with nothing new since the login page loaded is kept,
 * marked suspect.
 */
export async function captureAndStore(
  { vault, events, logger, sessionId, until }: CaptureDeps,
  {
    record,
    provider,
    browser,
    clientHosts,
    loginPage,
    totp,
    seeded,
  }: {
    record: SessionRecord;
    provider: BrowserLoginProvider;
    browser: BrowserSession;
    /** The hosts a client's own login URL allows (./client-url-rules.ts); undefined at the provider's URL. */
    clientHosts: string[] | undefined;
    loginPage: LoginPageSnapshot;
    totp: LoginTotp;
    /** A re-login's starting state: the capture renews it. */
    seeded: ReloginSeed | undefined;
  },
): Promise<{ credential: CredentialMetadata; suspectReason: string | undefined }> {
  const [captured, device] = await until(
    Promise.all([
      browser.capture({ origins: provider.origins, indexedDB: provider.captureIndexedDB }),
      // What the site saw, kept with the credential so that later visits look like the same device.
      browser.device?.().catch(() => undefined),
    ]),
  );
  // A client's URL can lead anywhere (SSO, ads, trackers): keep only what the operator allowed.
  const state = clientHosts && !provider.origins?.length ? filterByHosts(captured, clientHosts) : captured;
  const suspectReason = await until(loginPage.suspectReason(state));
  const second = totp.forCapture();
  const usage = {
    usage: provider.keepAlive ? ("live" as const) : ("restore" as const),
    lastAcceptedAt: new Date().toISOString(),
  };
  const credential = record.renews
    ? await renewFromRelogin(
        { vault, events },
        {
          record,
          sessionId,
          origins: provider.origins,
          basedOn: seeded!,
          state,
          suspectReason,
          usage: { ...usage, visitedOrigins: browser.visitedOrigins?.() },
          device,
          second,
        },
      )
    : await vault.seal({
        secret: { kind: "browser_login", state, ...(second.totp ? { totp: second.totp } : {}) },
        owner: record.owner,
        providerId: provider.id,
        sessionId,
        suspectReason,
        details: { ...usage, ...(device ? { device } : {}), ...second.details },
      });
  if (suspectReason)
    logger.warn(
      { credentialId: credential.id },
      "captured nothing new since the login page loaded: credential marked suspect",
    );
  return { credential, suspectReason };
}
