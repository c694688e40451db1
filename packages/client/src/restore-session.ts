import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import type { Device, ServiceClient, StorageState } from "./service-client.ts";

// The captured state's shapes, as the API's own document types them.
type CapturedState = StorageState;
type OriginState = StorageState["origins"][number];
type StorageItem = OriginState["localStorage"][number];

/**
 * What to restore: a state you hold (restore only), or a credential of the service, read through the
 * client (audited) and checked back in with the version it was read at. A credential already read
 * (`requireCredential`'s answer: `credentialId`, `version`, `storageState`) is not read again.
 */
export type RestoreSource =
  | CapturedState
  | {
      client: Pick<ServiceClient, "storageState" | "checkIn">;
      credentialId: string;
      /** The state and its version, when already read. */
      storageState?: CapturedState;
      version?: number;
      /** The device the site saw at login, when already read (the storage-state answer's `device`). */
      device?: Device;
    };

/** What a check-in came to: `renewed` (a newer state stored: `version` is it) or `unchanged`. */
export interface CheckInResult {
  outcome: "renewed" | "unchanged";
  version: number;
}

/**
 * A browser context logged in as the captured user. Sites rotate sessions on use: once your browser
 * has used the state, the stored copy may be spent, so give the browser's state back with
 * `checkIn()` (or `close({ checkIn: true })`) when done. A check-in refused because a newer version
 * was stored meanwhile throws a ServiceError 409 `stale_version` (`details.currentVersion`): restore
 * that version next time.
 */
export interface RestoredSession {
  readonly context: BrowserContext;
  /** The credential restored (undefined when restored from a state you hold). */
  readonly credentialId: string | undefined;
  /** The version restored, then the one the last check-in stored. */
  readonly version: number | undefined;
  /** What the browser holds now: its cookies, and localStorage and sessionStorage of the origins it holds. */
  state(): Promise<CapturedState>;
  /** Sends `state()` back to the service, based on `version`. */
  checkIn(): Promise<CheckInResult>;
  /** Closes the context, checking its state in first when asked. */
  close(options?: { checkIn?: boolean }): Promise<CheckInResult | undefined>;
}

/**
 * Opens a browser context logged in as the captured user: cookies and localStorage through
 * Playwright's own `storageState`, sessionStorage through an init script that fills it on each
 * captured origin before the page's own scripts run (and only where the tab has none yet).
 *
 * The device the site saw at login (`options.device`, or the storage-state answer's, read with a
 * credential): the context shows the site its user agent, locale, time zone, viewport, screen and
 * pixel ratio, so that the site does not take the app's browser for a new device (and ask for a
 * second factor again). Other `options` win over it.
 */
export async function restoreSession(
  browser: Browser,
  source: RestoreSource,
  options: BrowserContextOptions & { device?: Device } = {},
): Promise<RestoredSession> {
  const { device: given, ...contextOptions } = options;
  const bound = "client" in source ? source : undefined;
  let state: CapturedState;
  let version: number | undefined;
  let device = given ?? bound?.device;
  if (!bound) state = source as CapturedState;
  else if (bound.storageState && bound.version !== undefined) {
    state = bound.storageState;
    version = bound.version;
  } else {
    const read = await bound.client.storageState(bound.credentialId);
    state = read.storageState;
    version = read.version;
    device ??= read.device;
  }
  const context = await browser.newContext({
    ...(device ? contextOptionsFor(device) : {}),
    ...contextOptions,
    storageState: {
      cookies: state.cookies,
      origins: state.origins.map(({ origin, localStorage }) => ({ origin, localStorage })),
    },
  });
  const sessionStorageByOrigin = Object.fromEntries(
    state.origins.filter((o) => o.sessionStorage.length > 0).map((o) => [o.origin, o.sessionStorage]),
  );
  if (Object.keys(sessionStorageByOrigin).length > 0) {
    await context.addInitScript((byOrigin: Record<string, { name: string; value: string }[]>) => {
      const items = byOrigin[location.origin];
      if (!items || sessionStorage.length > 0) return;
      for (const { name, value } of items) sessionStorage.setItem(name, value);
    }, sessionStorageByOrigin);
  }

  const checkIn = async (): Promise<CheckInResult> => {
    if (!bound || version === undefined)
      throw new Error("Restored from a state, not from a credential of the service: there is nothing to check in to");
    const answer = await bound.client.checkIn(bound.credentialId, {
      version,
      storageState: await currentState(context),
    });
    version = answer.version;
    return { outcome: answer.outcome, version: answer.version };
  };

  return {
    context,
    credentialId: bound?.credentialId,
    get version() {
      return version;
    },
    state: () => currentState(context),
    checkIn,
    async close({ checkIn: wanted = false } = {}) {
      try {
        return wanted ? await checkIn() : undefined;
      } finally {
        await context.close();
      }
    },
  };
}

/** The context's state now: Playwright's storageState (cookies, localStorage), plus every open frame's sessionStorage. */
async function currentState(context: BrowserContext): Promise<CapturedState> {
  const [state, tabs] = await Promise.all([
    context.storageState(),
    Promise.all(context.pages().map((page) => sessionStorageOf(page))),
  ]);
  const origins = new Map<string, OriginState>(
    state.origins.map((o) => [o.origin, { origin: o.origin, localStorage: o.localStorage, sessionStorage: [] }]),
  );
  for (const { origin, items } of tabs.flat()) {
    const entry = origins.get(origin) ?? { origin, localStorage: [], sessionStorage: [] };
    const merged = new Map(entry.sessionStorage.map((i) => [i.name, i.value]));
    for (const item of items) merged.set(item.name, item.value);
    entry.sessionStorage = [...merged].map(([name, value]) => ({ name, value }));
    origins.set(origin, entry);
  }
  return { cookies: state.cookies, origins: [...origins.values()] };
}

async function sessionStorageOf(page: Page): Promise<{ origin: string; items: StorageItem[] }[]> {
  const read = await Promise.all(
    page.frames().map((frame) =>
      frame
        .evaluate(() => ({
          origin: location.origin,
          items: Object.keys(sessionStorage).map((name) => ({ name, value: sessionStorage.getItem(name) ?? "" })),
        }))
        .catch(() => undefined),
    ),
  );
  return read.filter(
    (r): r is { origin: string; items: StorageItem[] } => !!r && r.origin !== "null" && r.items.length > 0,
  );
}

/** Playwright's context options for a recorded device. WebGL strings are not among them: a GPU has its own. */
export function contextOptionsFor(device: Device): BrowserContextOptions {
  return {
    userAgent: device.userAgent,
    locale: device.locale,
    timezoneId: device.timeZone,
    viewport: device.viewport,
    screen: device.screen,
    deviceScaleFactor: device.devicePixelRatio,
  };
}
