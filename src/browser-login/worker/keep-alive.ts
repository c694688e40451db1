import type { BrowserSession } from "../../browser/browser-adapter.ts";
import type { BrowserLoginProvider, SuccessCondition } from "../../providers/provider-schema.ts";
import { CompiledUrlPattern } from "../../providers/url-pattern.ts";
import type { KEEP_ALIVE_ENDINGS } from "../sessions/session-record.ts";
import { watchForSuccess } from "./success-watcher.ts";

export type KeepAliveEnd = (typeof KEEP_ALIVE_ENDINGS)[number];

/**
 * Holds a kept-alive browser (provider `keepAlive`) until the app ends it (`complete`), its maximum
 * time passes, or the site logs it out. A crash or a cancel ends it through the run's own stop.
 */
export async function holdKeptAlive(
  browser: BrowserSession,
  provider: BrowserLoginProvider,
  { maxMs, endRequested, signal }: { maxMs: number; endRequested: Promise<void>; signal: AbortSignal },
): Promise<KeepAliveEnd> {
  const logout = loggedOutCondition(
    provider,
    browser.pages().map((p) => p.url),
  );
  const stop = new AbortController();
  const stopAll = () => stop.abort();
  signal.addEventListener("abort", stopAll, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    const watcher = logout
      ? await watchForSuccess(
          browser,
          {
            ...provider,
            success: logout,
            settleMs: provider.verify?.settleMs ?? 1_000,
            failureUrls: [],
            failureResponses: [],
          },
          { presence: true, signal: stop.signal },
        )
      : undefined;
    return await Promise.race([
      endRequested.then(() => "ended_by_app" as const),
      new Promise<KeepAliveEnd>((resolve) => (timer = setTimeout(() => resolve("max_time"), maxMs))),
      ...(watcher ? [watcher.succeeded.then(() => "logged_out" as const)] : []),
    ]);
  } finally {
    clearTimeout(timer);
    stopAll();
    signal.removeEventListener("abort", stopAll);
  }
}

/**
 * What tells a kept-alive browser that the site logged it out: the provider's `verify.loggedOut`, or
 * a tab back on the login page (its origin and path), unless the logged-in page is that very address
 * (single-page apps log in in place), where only the app, the maximum time or a crash end it.
 */
export function loggedOutCondition(
  provider: BrowserLoginProvider,
  currentUrls: string[],
): SuccessCondition | undefined {
  if (provider.verify?.loggedOut) return provider.verify.loggedOut;
  const login = new URL(provider.loginUrl);
  const atLogin = (url: string) => URL.canParse(url) && samePage(new URL(url), login);
  if (currentUrls.some(atLogin)) return undefined;
  const literal = (text: string) => text.replace(/[*:(){}+?\\]/g, (c) => `\\${c}`);
  return {
    url: new CompiledUrlPattern({
      protocol: login.protocol.slice(0, -1),
      hostname: literal(login.hostname),
      port: login.port,
      pathname: literal(login.pathname),
    }),
  };
}

function samePage(a: URL, b: URL): boolean {
  return a.origin === b.origin && a.pathname === b.pathname;
}
