import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "patchright-core";
import { AbortedByCaller, withDeadline } from "../../core/deadline.ts";
import type { CapturedState } from "../../credentials/captured-state.ts";
import type { DeviceRequest } from "../../credentials/device.ts";
import { startEgressProxy } from "../../network/egress-proxy.ts";
import { type BrowserAdapter, BrowserAdapterError, type OpenSessionRequest } from "../browser-adapter.ts";
import { createScrubber } from "../secret-scrubber.ts";
import { fillStorageFromSeed, seedRejected, storageSeedOf } from "../storage-seed.ts";
import {
  chromiumOwner,
  type LaunchedChromium,
  launchChromium,
  launchPersistentChromium,
  type SandboxDecision,
  type SandboxMode,
} from "./chromium-launch.ts";
import { findChromium } from "./chromium-path.ts";
import { DEVICE_SCALE_SCREENS, screenInfoSwitch } from "./device-scale-screens.ts";
import { LocalSession } from "./local-session.ts";
import { sweepUploadFolders } from "./native-ui-files.ts";
import { guardPatchrightRejections } from "./patchright-guard.ts";
import { overrideWebGlStrings } from "./webgl-strings.ts";
import { placeWindow } from "./window-placement.ts";

export interface LocalPlaywrightOptions {
  /** A Chromium binary; found on the usual Debian paths when absent. */
  executablePath?: string;
  /**
   * true: no window on any display. Chrome then runs in its normal mode drawn off-screen (Chromium's
   * headless platform, not its headless mode): sites see a desktop Chrome. false: windows on the
   * display in DISPLAY, where a person at this machine may log in (development).
   */
  headless: boolean;
  /** Open Chromium's DevTools port on loopback, so that a script (tests, the demo) can act as the user. */
  remoteDebuggingPort?: number;
  /** Contexts prepared ahead of jobs, so that a session starts without waiting for one. */
  spareContexts?: number;
  navigationTimeoutMs?: number;
  /** Chromium's sandbox (chromium-launch.ts); default `auto`. */
  sandbox?: SandboxMode;
  /** When the worker runs as root: the unprivileged user Chromium runs as. */
  sandboxUser?: string;
  /** Worker variables Chromium may see besides its allow-list (CHROMIUM_ENV). */
  passEnvironment?: string[];
  /** Told once per browser start whether the sandbox is on, for the worker's log. */
  onLaunched?(sandbox: SandboxDecision): void;
  /**
   * The device sites see when a session asks for nothing else (the operator's BROWSER_* settings):
   * a locale and time zone (absent: the machine's), WebGL strings (absent: the browser's own).
   */
  defaults?: Pick<DeviceRequest, "locale" | "timeZone" | "webgl">;
}

/** Past the session's own time, how long before the adapter closes it: the caller's timeout should act first. */
const TIMEOUT_GRACE_MS = 5_000;

/** Browser messages quote the URL that failed, and tokens travel in its query and fragment. */
const scrub = createScrubber();

/** How long a window on a display shows its closing message (BrowserSession.close) before it closes. */
const FAREWELL_MS = 3_000;

/** The page size of a window nobody has sized yet (the live view's own default, viewport.ts). */
const DEFAULT_SIZE = { width: 1280, height: 800 };

/**
 * A context made ahead of a session, with the operator's default device. Off-screen, with its page
 * too (most of the time saved); on a display, without: a page there is a window, and one made ahead
 * would open over the person's login window.
 */
interface Spare {
  context: BrowserContext;
  page?: Page;
}

/** A spare being made, and the device it shows. */
interface SpareEntry {
  device: DeviceRequest;
  ready: Promise<Spare | undefined>;
}

/** What a context is made with: the parts of the device a context fixes, and the egress proxy. */
interface ContextRequest {
  device: DeviceRequest;
  egress?: OpenSessionRequest["egress"];
}

/**
 * One Chromium process per worker, one fresh browser context per login session: sessions share
 * the process but no cookie, storage or cache.
 */
export function createLocalPlaywrightAdapter(options: LocalPlaywrightOptions): BrowserAdapter {
  const executablePath = findChromium(options.executablePath);
  /** Screens by pixel ratio for the live view's frames; a window on a display has its display's. */
  const screens = options.headless ? DEVICE_SCALE_SCREENS : undefined;
  const spareTarget = options.spareContexts ?? 1;
  const defaults = options.defaults ?? {};
  let browser: Promise<Browser> | undefined;
  /** The running browser's own user agent, which a recorded device usually has already. */
  let ownUserAgent: Promise<string | undefined> | undefined;
  let closed = false;
  const spares: SpareEntry[] = [];
  /**
   * Besides `spareTarget` spares of the operator's defaults, one of the locale and time zone the last
   * session from elsewhere asked for: a deployment's people mostly share theirs, and they often differ
   * from the server's (a new context costs a login page about 250 ms: npm run bench, figure 1).
   */
  let otherPlace: DeviceRequest | undefined;
  const sessions = new Set<LocalSession>();
  void sweepUploadFolders();
  /** Who this adapter's Chromium runs as when not this process's user: files the person uploads are handed to them. */
  const owner = chromiumOwner(options.sandboxUser).catch(() => undefined);
  const releaseGuard = guardPatchrightRejections();

  /** Chromium's switches (besides launchChromium's own), for the shared browser and for a session's own one. */
  const browserArgs = () => [
    // WebGL on SwiftShader (no GPU here): without it Chrome's normal mode on Linux has no WebGL at
    // all, a tell of its own. The renderer's name still says SwiftShader (docs/real-sites.md).
    "--enable-unsafe-swiftshader",
    // Requests the browser makes itself (a service worker's script) carry its default languages:
    // the operator's, so that they agree with pages of sessions that take the default.
    ...(defaults.locale ? [`--lang=${defaults.locale}`, `--accept-lang=${defaults.locale}`] : []),
    ...(screens ? [screenInfoSwitch(screens)] : []),
    // Permission requests (location, notifications, camera, microphone) are refused, never left waiting on
    // a prompt no one sees; with devices to ask for, camera and microphone are refused as a person would
    // refuse them (NotAllowedError), which the live view can then say (native-ui-world.ts).
    "--deny-permission-prompts",
    "--use-fake-device-for-media-stream",
  ];

  /** How every browser of this adapter starts (chromium-launch.ts): where its windows go, its sandbox, its environment. */
  const launchOptions = () => ({
    executablePath,
    window: options.headless ? ("offscreen" as const) : ("display" as const),
    sandbox: options.sandbox,
    user: options.sandboxUser,
    passEnvironment: options.passEnvironment,
  });

  function launch(): Promise<Browser> {
    if (closed) return Promise.reject(adapterClosed());
    if (!browser) {
      const args = browserArgs();
      if (options.remoteDebuggingPort !== undefined) {
        args.push(`--remote-debugging-port=${options.remoteDebuggingPort}`, "--remote-debugging-address=127.0.0.1");
      }
      const launching = launchChromium(chromium, { ...launchOptions(), args })
        .then(({ browser, sandbox }: LaunchedChromium<Browser>) => {
          options.onLaunched?.(sandbox);
          return browser;
        })
        .catch((error: Error) => {
          browser = undefined;
          throw new BrowserAdapterError("browser_launch_failed", `Chromium did not start: ${firstLine(error.message)}`);
        });
      browser = launching;
      ownUserAgent = launching.then(userAgentOf, () => undefined);
      void launching
        .then((b) =>
          b.on("disconnected", () => {
            if (browser === launching) browser = undefined;
            spares.length = 0;
            otherPlace = undefined;
            for (const session of sessions) session.lostBrowser();
          }),
        )
        .catch(() => {});
    }
    return browser;
  }

  /**
   * A context showing `device` (locale, time zone, user agent and WebGL strings are the context's),
   * with its page when no one watches the window; with `egress`, one whose every request goes through
   * its own egress proxy, closed with it.
   */
  async function newContext({ device, egress }: ContextRequest): Promise<Spare> {
    const proxy = egress ? await startEgressProxy(egress.policy, egress.onBlocked) : undefined;
    try {
      const context = await (await launch()).newContext({
        ...contextOptions(device),
        // Chromium sends loopback hosts around a proxy unless told `<-loopback>`: they must go through it too.
        ...(proxy ? { proxy: { server: proxy.server, bypass: "<-loopback>" } } : {}),
      });
      if (proxy) context.on("close", () => void proxy.close());
      if (device.webgl) await overrideWebGlStrings(context, device.webgl);
      if (!screens) return { context };
      const page = await context.newPage();
      await sizeWindow(context, page, device);
      return { context, page };
    } catch (error) {
      await proxy?.close();
      throw error;
    }
  }

  /** An off-screen window is given the recorded size and ratio (checks, re-logins), else a common desktop one. */
  async function sizeWindow(context: BrowserContext, page: Page, device: DeviceRequest): Promise<void> {
    if (!screens) return;
    const cdp = await context.newCDPSession(page);
    try {
      await placeWindow(
        (method, params) => cdp.send(method as never, params as never),
        screens,
        { devicePixelRatio: device.devicePixelRatio ?? 1, size: device.viewport ?? DEFAULT_SIZE },
        {},
      );
    } finally {
      await cdp.detach().catch(() => {});
    }
  }

  /**
   * A browser process of its own for one session (OpenSessionRequest.dedicatedBrowser): its one
   * context, and its DevTools port on loopback, which the worker relays to apps (src/keep-alive/):
   * a DevTools client of a shared browser could reach every other session's context. Launched as the
   * shared browser is (chromium-launch.ts), showing the session's device.
   */
  async function openDedicated({
    device,
    egress,
  }: ContextRequest): Promise<Required<Spare> & { devToolsEndpoint: string }> {
    if (closed) throw adapterClosed();
    // The wrapper of a root worker hands this folder (by its prefix) to the Chromium user.
    const userDataDir = await mkdtemp(join(tmpdir(), "blc-browser-"));
    const proxy = egress ? await startEgressProxy(egress.policy, egress.onBlocked) : undefined;
    const cleanUp = () => {
      void proxy?.close();
      void rm(userDataDir, { recursive: true, force: true }).catch(() => {});
    };
    let context: BrowserContext | undefined;
    try {
      ({ context } = await launchPersistentChromium(chromium, userDataDir, {
        ...launchOptions(),
        args: [
          ...browserArgs(),
          "--remote-debugging-port=0",
          "--remote-debugging-address=127.0.0.1",
          // Apps drive this browser with Playwright, whose navigation waits (goBack's load) assume no
          // back-forward cache, as playwright-core launches it; patchright leaves the cache on.
          "--disable-back-forward-cache",
        ],
        context: {
          ...contextOptions(device),
          ...(proxy ? { proxy: { server: proxy.server, bypass: "<-loopback>" } } : {}),
        },
      }));
      context.on("close", cleanUp);
      if (device.webgl) await overrideWebGlStrings(context, device.webgl);
      const devToolsEndpoint = await devToolsEndpointOf(userDataDir);
      const page = context.pages()[0] ?? (await context.newPage());
      await sizeWindow(context, page, device);
      return { context, page, devToolsEndpoint };
    } catch (error) {
      if (context) await context.close().catch(() => {});
      else cleanUp();
      if (error instanceof BrowserAdapterError) throw error;
      throw new BrowserAdapterError(
        "browser_launch_failed",
        `Chromium did not start: ${firstLine((error as Error).message)}`,
      );
    }
  }

  function refillSpares() {
    const want = (device: DeviceRequest, count: number) => {
      let have = spares.filter((s) => s.device === device).length;
      for (; !closed && have < count; have++) {
        spares.push({ device, ready: newContext({ device }).catch(() => undefined) });
      }
    };
    want(defaults, spareTarget);
    if (otherPlace && spareTarget > 0) want(otherPlace, 1);
  }

  async function takeContext(request: ContextRequest): Promise<Required<Spare>> {
    let spare: Spare | undefined;
    // A spare serves a session that asks for the device it shows.
    for (let i = 0; !request.egress && !spare && i < spares.length; ) {
      if (!sameContextDevice(request.device, spares[i]!.device)) {
        i++;
        continue;
      }
      const next = await spares.splice(i, 1)[0]!.ready;
      if (next?.context.browser()?.isConnected()) spare = next;
    }
    // A login from another place (the defaults but for locale and time zone): the next spare is made for it.
    const place = { ...defaults, locale: request.device.locale, timeZone: request.device.timeZone };
    const fromElsewhere = !sameContextDevice(place, defaults) && sameContextDevice(request.device, place);
    if (!request.egress && fromElsewhere && !(otherPlace && sameContextDevice(otherPlace, place))) {
      const stale = otherPlace;
      otherPlace = place;
      for (let i = spares.length - 1; i >= 0; i--) {
        if (spares[i]!.device !== stale) continue;
        void spares
          .splice(i, 1)[0]!
          .ready.then((s) => s?.context.close())
          .catch(() => {});
      }
    }
    spare ??= await newContext(request);
    if (spare.page) return { context: spare.context, page: spare.page };
    try {
      return { context: spare.context, page: await spare.context.newPage() };
    } catch (error) {
      await spare.context.close().catch(() => {});
      throw error;
    }
  }

  return {
    kind: "local",
    async warmUp() {
      await launch();
      refillSpares();
      await Promise.all(spares.map((s) => s.ready));
    },
    async openSession(request: OpenSessionRequest) {
      const { signal } = request;
      if (closed) throw adapterClosed();
      if (signal?.aborted) throw openAborted();
      // The session's device: what it asks for, the operator's defaults for the rest. A recorded user
      // agent that is the browser's own needs no override (an override is one more thing to keep consistent).
      const device: DeviceRequest = { ...defaults, ...withoutUndefined(request.device ?? {}) };
      if (device.userAgent && device.userAgent === (await (ownUserAgent ?? launch().then(() => ownUserAgent))))
        delete device.userAgent;
      // A context is usually ready (a spare); when one must be made, the caller need not wait for it.
      const { context, page, devToolsEndpoint } = await withDeadline<Required<Spare> & { devToolsEndpoint?: string }>(
        request.dedicatedBrowser
          ? openDedicated({ device, egress: request.egress })
          : takeContext({ device, egress: request.egress }),
        {
          what: "Preparing a browser context",
          signal,
          abandon: (late) => void late.then((spare) => spare.context.close()).catch(() => {}),
        },
      ).catch((error) => {
        throw error instanceof AbortedByCaller ? openAborted() : error;
      });
      const session = new LocalSession(request.sessionId, context, {
        lifetimeMs: request.timeoutMs + TIMEOUT_GRACE_MS,
        farewellMs: options.headless ? 0 : FAREWELL_MS,
        screens,
        webgl: device.webgl,
        locale: device.locale,
        devToolsEndpoint,
        chromiumOwner: owner,
        onClosed: () => sessions.delete(session),
      });
      sessions.add(session);
      // A browser of its own has no shared process to watch: its context closing unasked is its crash.
      if (devToolsEndpoint) context.on("close", () => session.closedUnasked() && session.lostBrowser());
      // Closing the context ends the navigation below at once, whatever stage it is at.
      const onAbort = () => void session.close();
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        if (signal?.aborted || closed) throw new Error("given up");
        if (request.seed) await seed(context, request.seed);
        // A recorded size or ratio (a check of a credential) differs from a spare's default window.
        if (request.device?.viewport || request.device?.devicePixelRatio) await sizeWindow(context, page, device);
        await session.attach(page);
        context.on("page", (p) => void session.attach(p));
        await session.load(page, request.loginUrl, options.navigationTimeoutMs ?? 30_000);
        if (signal?.aborted || closed) throw new Error("given up");
      } catch (error) {
        await session.close();
        if (signal?.aborted) throw openAborted();
        if (closed) throw adapterClosed();
        if (error instanceof BrowserAdapterError) throw error;
        throw new BrowserAdapterError(
          "login_page_unreachable",
          `The login page did not load: ${scrub(firstLine((error as Error).message))}`,
        );
      } finally {
        signal?.removeEventListener("abort", onAbort);
        // Only now: a spare made while the login page loads competes with it for the CPU, and on two
        // cores that tripled the time to a usable login page (npm run bench, figure 1).
        refillSpares();
      }
      return session;
    },
    openSessions: () => sessions.size,
    async close() {
      closed = true;
      await Promise.all([...sessions].map((s) => s.close()));
      // A spare still being made finishes first: its page closing under it is what the guard is for.
      await Promise.all(spares.splice(0).map((s) => s.ready));
      const pending = browser;
      browser = undefined;
      if (pending) await pending.then((b) => b.close()).catch(() => {});
      releaseGuard();
    },
  };
}

/** A context's options for a session's device: the parts of it a context fixes. */
function contextOptions(device: DeviceRequest) {
  return {
    // The window is the viewport: its size is the page's (window-placement.ts), never an emulated one.
    viewport: null,
    ...(device.locale ? { locale: device.locale } : {}),
    ...(device.timeZone ? { timezoneId: device.timeZone } : {}),
    ...(device.userAgent ? { userAgent: device.userAgent } : {}),
    // A login needs no download; Chromium runs as another user (root workers) who could not write
    // Playwright's download folder anyway. Refused cleanly rather than half-written; the live view
    // tells the person (native-ui.ts).
    acceptDownloads: false,
  };
}

/** The user agent the browser sends when nothing overrides it. */
async function userAgentOf(browser: Browser): Promise<string | undefined> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    return (await cdp.send("Browser.getVersion")).userAgent;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** Whether two devices need the same context (the window's size and ratio are set on the page, not the context). */
function sameContextDevice(a: DeviceRequest, b: DeviceRequest): boolean {
  return (
    a.locale === b.locale &&
    a.timeZone === b.timeZone &&
    a.userAgent === b.userAgent &&
    a.webgl?.vendor === b.webgl?.vendor &&
    a.webgl?.renderer === b.webgl?.renderer
  );
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Cookies straight into the context; storage through an init script, before any page of that origin runs. */
async function seed(context: BrowserContext, state: CapturedState): Promise<void> {
  // The browser's message may quote a cookie: only its count is said.
  await context.addCookies(state.cookies).catch(() => {
    throw seedRejected(state.cookies.length);
  });
  const storage = storageSeedOf(state);
  if (Object.keys(storage).length > 0) await context.addInitScript(fillStorageFromSeed, storage);
}

/**
 * The DevTools WebSocket of a browser started with `--remote-debugging-port=0`: Chromium writes the
 * port it took and the browser target's path into its profile folder.
 */
async function devToolsEndpointOf(userDataDir: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(join(userDataDir, "DevToolsActivePort"), "utf8").catch(() => "");
    const [port, path] = text.split("\n");
    if (port && path?.startsWith("/devtools/browser/")) return `ws://127.0.0.1:${port.trim()}${path.trim()}`;
    if (Date.now() > deadline)
      throw new BrowserAdapterError("browser_launch_failed", "Chromium did not open its DevTools port");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function openAborted(): BrowserAdapterError {
  return new BrowserAdapterError(
    "open_aborted",
    "Opening the browser session was given up by the worker; nothing was kept open.",
  );
}

function adapterClosed(): BrowserAdapterError {
  return new BrowserAdapterError("adapter_closed", "The browser adapter is shut down");
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
