import type { Logger } from "pino";
import type { BrowserSession } from "../../browser/browser-adapter.ts";
import type { BrowserLoginProvider } from "../../providers/provider-schema.ts";
import type { LoginTotp } from "./login-totp.ts";
import type { StopReason } from "./run-control.ts";
import { watchSiteSignals } from "./site-signals.ts";

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
