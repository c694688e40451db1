import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromiumEnvironment } from "./chromium-environment.ts";
import { CHROMIUM_ARGS, findChromium } from "./chromium-path.ts";

/**
 * Chromium's sandbox: `required` starts Chromium only with it (and says why it cannot), `auto` falls
 * back to no sandbox after a warning, `off` never asks for it.
 */
export type SandboxMode = "required" | "auto" | "off";

/**
 * Where Chromium draws its windows:
 * - `offscreen`: Chrome's normal (headed) mode on Chromium's headless platform. No display needed;
 *   sites see a desktop Chrome (its own user agent, window frame, scroll bars), and `--screen-info`
 *   screens give windows the pixel ratio the live view asks for. The worker's default.
 * - `display`: windows on the X display in DISPLAY (development: the person may log in there).
 * - `headless`: Chromium's headless mode, which sites can tell from a person's browser
 *   (docs/real-sites.md). For browsers that only stand in for a person in tests and benchmarks.
 */
export type WindowMode = "offscreen" | "display" | "headless";

export interface ChromiumLaunchOptions {
  /** A Chromium binary; found on the usual Debian paths when absent. */
  executablePath?: string;
  window: WindowMode;
  /** Default `auto`. */
  sandbox?: SandboxMode;
  /** When this process runs as root: the unprivileged user Chromium runs as (Chromium refuses its sandbox as root). Default nobody. */
  user?: string;
  /** Variables of this process Chromium may see besides the allow-list (chromium-environment.ts). */
  passEnvironment?: string[];
  /** Switches after the common ones (CHROMIUM_ARGS). */
  args?: string[];
}

/** What the sandbox decision was, for the worker's log and metrics. */
export interface SandboxDecision {
  on: boolean;
  /** Why it is off: the mode, or what Chromium said when it could not start it. */
  reason?: string;
}

export interface LaunchedChromium<B> {
  browser: B;
  sandbox: SandboxDecision;
}

/** The options this passes to Playwright's (or patchright's) `chromium.launch`. */
interface LaunchArgs {
  executablePath: string;
  /** Chromium's headless mode: only for the `headless` window mode. */
  headless: boolean;
  args: string[];
  env: Record<string, string>;
  chromiumSandbox: boolean;
  handleSIGINT: boolean;
  handleSIGTERM: boolean;
  handleSIGHUP: boolean;
}

/** The part of a browser this needs: a page to prove the sandbox works, an end to clean up after. */
interface LaunchedBrowser {
  newContext(): Promise<{ newPage(): Promise<unknown>; close(): Promise<void> }>;
  close(): Promise<void>;
  on(event: "disconnected", listener: () => void): unknown;
}

/** Chrome's headed mode drawn on Chromium's headless platform (no X server, no window on any screen). */
const OFFSCREEN_ARGS = ["--ozone-platform=headless"];

/** The probe's own words for a browser that started but never opened a page. */
const NO_PAGE = "no page opened";

/** What Chromium prints when its sandbox cannot start, in the words of its own messages. */
const SANDBOX_FAILURES = [
  "No usable sandbox",
  "Running as root without --no-sandbox",
  "Failed to move to new namespace",
  "Check failed: sys_chroot",
  "Zygote could not fork",
  "Chromium sandboxing failed",
  NO_PAGE,
];

/**
 * A sandbox allowed by halves (user namespaces yes, nested PID namespaces no) does not fail: the
 * browser starts and no page ever does. So a first launch also opens a page within this time.
 */
const SANDBOX_PROBE_MS = 30_000;

const WRAPPER = fileURLToPath(new URL("./chromium-as-user.sh", import.meta.url));

/** Decisions already made in this process, so that only the first launch of a kind pays for the probe. */
const decided = new Map<string, SandboxDecision>();

/**
 * Launches Chromium the one way this project does, for the worker's browser and for every other one
 * (the demo, tests, benchmarks): a minimal environment with a HOME of its own (deleted when the
 * browser goes), no crash handler, and its sandbox wherever the kernel allows it (as an unprivileged
 * user through chromium-as-user.sh when this process is root). `driver` is `chromium` from
 * playwright-core or patchright-core.
 */
export async function launchChromium<B extends LaunchedBrowser>(
  driver: { launch(options: LaunchArgs): Promise<B> },
  options: ChromiumLaunchOptions,
): Promise<LaunchedChromium<B>> {
  const { browser, sandbox } = await withSandbox(options, async (args, probe) => {
    const browser = await driver.launch(args);
    try {
      if (probe) await openOnePage(browser);
      return { browser, closed: (listener) => browser.on("disconnected", listener) };
    } catch (error) {
      await browser.close().catch(() => {});
      throw error;
    }
  });
  return { browser, sandbox };
}

/** The part of a persistent context this needs: a page to prove the sandbox works, an end to clean up after. */
interface LaunchedContext {
  newPage(): Promise<unknown>;
  close(): Promise<void>;
  on(event: "close", listener: () => void): unknown;
}

/**
 * The same, for a browser with a profile folder of its own (`launchPersistentContext`): one context,
 * which is the browser. `userDataDir` must be made by the caller under the temporary folder with the
 * `blc-browser-` prefix (the wrapper hands that folder, and nothing else, to the Chromium user).
 * `context`: the context's own options (viewport, proxy...).
 */
export async function launchPersistentChromium<C extends LaunchedContext>(
  driver: { launchPersistentContext(userDataDir: string, options: LaunchArgs & object): Promise<C> },
  userDataDir: string,
  options: ChromiumLaunchOptions & { context?: object },
): Promise<{ context: C; sandbox: SandboxDecision }> {
  const { browser: context, sandbox } = await withSandbox(options, async (args, probe) => {
    const context = await driver.launchPersistentContext(userDataDir, { ...options.context, ...args });
    try {
      if (probe) await context.newPage();
      return { browser: context, closed: (listener) => context.on("close", listener) };
    } catch (error) {
      await context.close().catch(() => {});
      throw error;
    }
  });
  return { context, sandbox };
}

/**
 * Runs `start` with the launch options (environment, executable, switches, the sandbox on or off) and
 * the decision already made in this process, or makes it: the sandbox first, with a page to prove it
 * works, then, when Chromium says its sandbox cannot start, the mode's answer.
 */
async function withSandbox<T>(
  options: ChromiumLaunchOptions,
  start: (args: LaunchArgs, probe: boolean) => Promise<{ browser: T; closed(listener: () => void): unknown }>,
): Promise<{ browser: T; sandbox: SandboxDecision }> {
  const binary = findChromium(options.executablePath);
  const mode = options.sandbox ?? "auto";
  const root = process.getuid?.() === 0;
  const user = options.user ?? "nobody";
  const key = `${binary}|${root ? user : ""}|${options.window}`;
  const known = mode === "off" ? { on: false, reason: "CHROMIUM_SANDBOX=off" } : decided.get(key);

  const launch = async (sandbox: boolean, probe: boolean): Promise<T> => {
    const home = await makeHome();
    const removeHome = () => void rm(home, { recursive: true, force: true }).catch(() => {});
    const env = chromiumEnvironment({ home, onDisplay: options.window === "display", extra: options.passEnvironment });
    try {
      const started = await start(
        {
          // Root: through the wrapper, which drops to `user` (with or without the sandbox: never root).
          executablePath: root ? WRAPPER : binary,
          headless: options.window === "headless",
          args: [...CHROMIUM_ARGS, ...(options.window === "offscreen" ? OFFSCREEN_ARGS : []), ...(options.args ?? [])],
          env: root ? { ...env, BLC_CHROMIUM_USER: user, BLC_CHROMIUM_BINARY: binary } : env,
          chromiumSandbox: sandbox,
          // The service stops the browser itself, after its sessions, and SIGHUP reloads providers:
          // Playwright's own handlers would close the browser under running sessions.
          handleSIGINT: false,
          handleSIGTERM: false,
          handleSIGHUP: false,
        },
        probe,
      );
      started.closed(removeHome);
      return started.browser;
    } catch (error) {
      removeHome();
      throw error;
    }
  };

  if (known) return { browser: await launch(known.on, false), sandbox: known };
  try {
    const browser = await launch(true, true);
    decided.set(key, { on: true });
    return { browser, sandbox: { on: true } };
  } catch (error) {
    const reason = sandboxFailure(error);
    if (!reason) throw explainDisplayRefusal(error, root && options.window === "display", user);
    if (mode === "required") throw new SandboxUnavailable(reason);
    const decision = { on: false, reason: `Chromium's sandbox could not start: ${reason}` };
    decided.set(key, decision);
    return { browser: await launch(false, false), sandbox: decision };
  }
}

/** Thrown when CHROMIUM_SANDBOX=required and the sandbox cannot start here. */
export class SandboxUnavailable extends Error {
  constructor(reason: string) {
    super(
      `Chromium's sandbox could not start (${reason}). See docs/operations.md, "Chromium's sandbox": ` +
        "give the container the seccomp profile in deploy/, or set CHROMIUM_SANDBOX=auto to run without it.",
    );
    this.name = "SandboxUnavailable";
  }
}

/**
 * A HOME for one launch, where Chromium cannot keep crash reports. Playwright's --disable-breakpad
 * leaves Chromium's crash handler running: a process of its own (outside the browser's tree) that,
 * on a renderer crash, writes a minidump of the page's memory (typed passwords included) under
 * $HOME/.config/<browser>/Crash Reports. With `.config` a read-only file instead of a folder the
 * handler has nowhere to keep its database and does not start; pages are unaffected.
 * (--disable-crashpad-for-testing also stops it, but breaks every navigation in Chromium 156.)
 */
async function makeHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), "blc-chromium-home-"));
  await writeFile(join(home, ".config"), "", { mode: 0o444 });
  return home;
}

async function openOnePage(browser: LaunchedBrowser): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${NO_PAGE} within ${SANDBOX_PROBE_MS / 1000} s (a sandbox the kernel allows only in part, e.g. user namespaces but no nested PID namespace, hangs this way)`,
          ),
        ),
      SANDBOX_PROBE_MS,
    );
  });
  try {
    await Promise.race([
      hung,
      (async () => {
        const context = await browser.newContext();
        await context.newPage();
        await context.close();
      })(),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A root worker's Chromium runs as `user`, whom an X display refuses unless told: say so. */
function explainDisplayRefusal(error: unknown, asOtherUser: boolean, user: string): unknown {
  const text = String((error as Error)?.message ?? error);
  if (!asOtherUser || !/Authorization required|Missing X server|cannot open display/i.test(text)) return error;
  return new Error(
    `Chromium, run as ${user} (CHROMIUM_USER) because this process is root, may not use the display: allow it with ` +
      `xhost +SI:localuser:${user}, start Xvfb with -ac, or set HEADLESS=true (${text.split("\n")[0]})`,
  );
}

/** The sandbox's own failure line, when that is why the launch failed; undefined for any other failure. */
function sandboxFailure(error: unknown): string | undefined {
  const text = String((error as Error)?.message ?? error);
  const known = SANDBOX_FAILURES.find((words) => text.includes(words));
  if (!known) return undefined;
  return (
    text
      .split("\n")
      .find((line) => line.includes(known))
      ?.trim() ?? known
  );
}
