import type { Logger } from "pino";
import type { BrowserSession } from "../../browser/browser-adapter.ts";
import type { BrowserLoginProvider } from "../../providers/provider-schema.ts";
import type { SessionStore } from "../sessions/session-store.ts";
import type { LoginTotp } from "./login-totp.ts";
import type { StopReason } from "./run-control.ts";
import { type SiteSignals, watchSiteSignals } from "./site-signals.ts";
import type { LoginRejection } from "./success-watcher.ts";

const TOTP_REJECTED_MESSAGE =
  "The site turned down the one-time code made from the stored TOTP secret; no other code was tried. Store the right secret (PUT /credentials/{id}/totp, or totpSecret at start) and check the server's clock";

/**
 * The second factor and blocked conditions of the provider during a login: a blocked page ends the
 * session with its code; a typed code the site turns down ends it as totp_rejected (no second code
 * is typed: a retry can lock the account).
 */
export function watchLoginSignals(
  session: BrowserSession,
  provider: BrowserLoginProvider,
  totp: LoginTotp,
  { pollMs, logger, stop }: { pollMs?: number; logger: Logger; stop: (reason: StopReason) => void },
) {
  return watchSiteSignals(session, provider, {
    totp: totp.forStep,
    pollMs,
    onBlocked: ({ code, message }) => {
      logger.info({ code }, "the site blocked the login");
      stop({ status: "failed", error: { code, message } });
    },
    onTotpState: (state, at) => {
      if (state === "filled") {
        logger.info("one-time code typed from the stored TOTP secret");
        void totp.filled(at);
      } else if (state === "rejected") {
        void totp
          .rejected()
          .finally(() => stop({ status: "failed", error: { code: "totp_rejected", message: TOTP_REJECTED_MESSAGE } }));
      }
    },
  });
}

/**
 * Counts the attempts the site turned down on the session (`lastLoginRejection`). A failure response
 * counts only when the person had used the page before its request was sent: a page that probes its
 * own API as it loads gets 401s nobody typed for. (A failure URL is a navigation: only an attempt
 * leads there once the login page is up.)
 */
export function countLoginRejections(
  { sessions, sessionId }: { sessions: SessionStore; sessionId: string },
  signals: () => SiteSignals | undefined,
) {
  let rejections = 0;
  return (rejection: LoginRejection) => {
    if (rejection.by === "response" && !signals()?.firstInput.happenedBefore(rejection.requestedAt)) return;
    signals()?.totp?.rejectedBySite();
    rejections += 1;
    void sessions
      .transition(sessionId, { lastLoginRejection: { at: new Date().toISOString(), count: rejections } })
      .catch(() => {});
  };
}
