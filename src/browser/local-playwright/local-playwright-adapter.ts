import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { AbortedByCaller, withDeadline } from "../../core/deadline.ts";
import type { CapturedState } from "../../credentials/captured-state.ts";
import { startEgressProxy } from "../../network/egress-proxy.ts";
import { type BrowserAdapter, BrowserAdapterError, type OpenSessionRequest } from "../browser-adapter.ts";
import { createScrubber } from "../secret-scrubber.ts";
import { fillStorageFromSeed, seedRejected, storageSeedOf } from "../storage-seed.ts";
import { CHROMIUM_ARGS, findChromium } from "./chromium-path.ts";
import { DEVICE_SCALE_SCREENS, screenInfoSwitch } from "./device-scale-screens.ts";
import { LocalSession } from "./local-session.ts";

export interface LocalPlaywrightOptions {
  /** A Chromium binary; found on the usual Debian paths when absent. */
  executablePath?: string;
  headless: boolean;
  /** Open Chromium's DevTools port on loopback, so that a script (tests, the demo) can act as the user. */
  remoteDebuggingPort?: number;
  /** Contexts prepared ahead of jobs, so that a session starts without waiting for one. */
  spareContexts?: number;
  navigationTimeoutMs?: number;
}

/** Past the session's own time, how long before the adapter closes it: the caller's timeout should act first. */
const TIMEOUT_GRACE_MS = 5_000;

/** Browser messages quote the URL that failed, and tokens travel in its query and fragment. */
const scrub = createScrubber();

/** How long a headed window shows its closing message (BrowserSession.close) before it closes. */
const FAREWELL_MS = 3_000;

/**
 * A context made ahead of a session. Headless, with its page too (most of the time saved); headed,
 * without: a page there is a window, and one made ahead would open over the user's login window.
 */
interface Spare {
  context: BrowserContext;
  page?: Page;
}

/**
 * One Chromium process per worker, one fresh browser context per login session: sessions share
 * the process but no cookie, storage or cache.
 */
export function createLocalPlaywrightAdapter(options: LocalPlaywrightOptions): BrowserAdapter {
  const executablePath = findChromium(options.executablePath);
  /** Screens by pixel ratio for the live view's frames; `--screen-info` is headless-only, a headed window has its display's. */
  const screens = options.headless ? DEVICE_SCALE_SCREENS : undefined;
  const spareTarget = options.spareContexts ?? 1;
  let browser: Promise<Browser> | undefined;
  let closed = false;
  const spares: Promise<Spare | undefined>[] = [];
  const sessions = new Set<LocalSession>();

  /** Chromium's switches, for the shared browser and for a session's own one. */
  const browserArgs = () => [...CHROMIUM_ARGS, ...(screens ? [screenInfoSwitch(screens)] : [])];

  function launch(): Promise<Browser> {
    if (closed) return Promise.reject(adapterClosed());
    if (!browser) {
      const args = browserArgs();
      if (options.remoteDebuggingPort !== undefined) {
        args.push(`--remote-debugging-port=${options.remoteDebuggingPort}`, "--remote-debugging-address=127.0.0.1");
      }
      const launching = chromium
        .launch({
          executablePath,
          headless: options.headless,
          args,
          // The service stops the browser itself, after its sessions, and SIGHUP reloads providers:
          // Playwright's own handlers would close the browser under running sessions.
          handleSIGINT: false,
          handleSIGTERM: false,
          handleSIGHUP: false,
        })
        .catch((error: Error) => {
          browser = undefined;
          throw new BrowserAdapterError("browser_launch_failed", `Chromium did not start: ${firstLine(error.message)}`);
        });
      browser = launching;
      void launching
        .then((b) =>
          b.on("disconnected", () => {
            if (browser === launching) browser = undefined;
            spares.length = 0;
            for (const session of sessions) session.lostBrowser();
          }),
        )
        .catch(() => {});
    }
    return browser;
  }

  /** A context; with `egress`, one whose every request goes through its own egress proxy, closed with it. */
  async function newContext(egress?: OpenSessionRequest["egress"]): Promise<Spare> {
    const proxy = egress ? await startEgressProxy(egress.policy, egress.onBlocked) : undefined;
    try {
      const context = await (await launch()).newContext({
        viewport: options.headless ? { width: 1280, height: 800 } : null,
        // Chromium sends loopback hosts around a proxy unless told `<-loopback>`: they must go through it too.
        ...(proxy ? { proxy: { server: proxy.server, bypass: "<-loopback>" } } : {}),
      });
      if (proxy) context.on("close", () => void proxy.close());
      return options.headless ? { context, page: await context.newPage() } : { context };
    } catch (error) {
      await proxy?.close();
      throw error;
    }
  }

  /**
   * A browser process of its own for one session (OpenSessionRequest.dedicatedBrowser): its one
   * context, and its DevTools port on loopback, which the worker relays to apps (src/keep-alive/):
   * a DevTools client of a shared browser could reach every other session's context.
   */
  async function openDedicated(
    egress?: OpenSessionRequest["egress"],
  ): Promise<Required<Spare> & { devToolsEndpoint: string }> {
    if (closed) throw adapterClosed();
    const userDataDir = await mkdtemp(join(tmpdir(), "blc-browser-"));
    const proxy = egress ? await startEgressProxy(egress.policy, egress.onBlocked) : undefined;
    const cleanUp = () => {
      void proxy?.close();
      void rm(userDataDir, { recursive: true, force: true }).catch(() => {});
    };
    let context: BrowserContext | undefined;
    try {
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath,
        headless: options.headless,
        args: [...browserArgs(), "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1"],
        viewport: options.headless ? { width: 1280, height: 800 } : null,
        ...(proxy ? { proxy: { server: proxy.server, bypass: "<-loopback>" } } : {}),
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
      context.on("close", cleanUp);
      const devToolsEndpoint = await devToolsEndpointOf(userDataDir);
      const page = context.pages()[0] ?? (await context.newPage());
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
    while (!closed && spares.length < spareTarget) {
      spares.push(newContext().catch(() => undefined));
    }
  }

  async function takeContext(egress?: OpenSessionRequest["egress"]): Promise<Required<Spare>> {
    let spare: Spare | undefined;
    while (!egress && !spare && spares.length > 0) {
      const next = await spares.shift()!;
      if (next?.context.browser()?.isConnected()) spare = next;
    }
    spare ??= await newContext(egress);
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
      await Promise.all(spares);
    },
    async openSession(request: OpenSessionRequest) {
      const { signal } = request;
      if (closed) throw adapterClosed();
      if (signal?.aborted) throw openAborted();
      // A context is usually ready (a spare); when one must be made, the caller need not wait for it.
      const { context, page, devToolsEndpoint } = await withDeadline<Required<Spare> & { devToolsEndpoint?: string }>(
        request.dedicatedBrowser ? openDedicated(request.egress) : takeContext(request.egress),
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
        devToolsEndpoint,
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
        await session.attach(page);
        context.on("page", (p) => void session.attach(p));
        await page.goto(request.loginUrl, { waitUntil: "load", timeout: options.navigationTimeoutMs ?? 30_000 });
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
      const pending = browser;
      browser = undefined;
      if (pending) await pending.then((b) => b.close()).catch(() => {});
    },
  };
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
