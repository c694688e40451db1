import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";

export const CHROMIUM_BINARY = "/usr/lib/chromium/chromium";

/** One headless Chromium standing in for the remote browser of one Browserbase session. */
export interface ChromiumProcess {
  pid: number;
  userDataDir: string;
  /** DevTools HTTP endpoint (`/json/version`, `/json/list`), where a scripted user attaches. */
  cdpHttpEndpoint: string;
  /** Browser-level DevTools WebSocket: what Browserbase answers as `connectUrl`. */
  webSocketDebuggerUrl: string;
  /** Kills the whole process group and removes the profile. Safe to call twice. */
  kill(): Promise<void>;
}

export interface LaunchChromiumOptions {
  executablePath?: string;
  /** Profile directories are created as `<prefix>XXXXXX`: tests look for leftover processes by it. */
  profilePrefix: string;
  timeoutMs?: number;
}

export async function launchChromium(options: LaunchChromiumOptions): Promise<ChromiumProcess> {
  const userDataDir = await mkdtemp(options.profilePrefix);
  const args = [
    "--headless",
    // Port 0: Chromium picks a free port itself and prints it, so two launches never race for one.
    "--remote-debugging-port=0",
    "--remote-debugging-address=127.0.0.1",
    `--user-data-dir=${userDataDir}`,
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
    // Containers run tests as root, where Chromium refuses to start with its sandbox.
    "--no-sandbox",
    "about:blank",
  ];
  // Its own process group, so that kill() takes the zygote, renderers and GPU process along.
  const child = spawn(options.executablePath ?? CHROMIUM_BINARY, args, {
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  // "error" alone when the binary cannot be started at all.
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  trackUntilExit(child.pid, exited);
  let killing: Promise<void> | undefined;
  const kill = () => {
    killing ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(child.pid);
        await exited;
      }
      await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
    })();
    return killing;
  };

  try {
    const wsFromLog = await devToolsUrlFromStderr(child.stderr!, exited, options.timeoutMs ?? 15_000);
    const cdpHttpEndpoint = `http://${new URL(wsFromLog).host}`;
    const version = (await (await fetch(`${cdpHttpEndpoint}/json/version`)).json()) as { webSocketDebuggerUrl: string };
    return { pid: child.pid!, userDataDir, cdpHttpEndpoint, webSocketDebuggerUrl: version.webSocketDebuggerUrl, kill };
  } catch (error) {
    await kill();
    throw error;
  }
}

function devToolsUrlFromStderr(
  stderr: NodeJS.ReadableStream,
  exited: Promise<void>,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(
      () => reject(new Error(`Chromium did not open its DevTools port within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(buffer);
      if (match) {
        clearTimeout(timer);
        // Keep draining stderr so that Chromium never blocks on a full pipe.
        buffer = "";
        resolve(match[1]!);
      } else if (buffer.length > 64_000) {
        buffer = buffer.slice(-4_000);
      }
    };
    stderr.on("data", onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error("Chromium exited before opening its DevTools port"));
    });
  });
}

/**
 * Should the test process end without closing the emulator (a crash, a broken pipe), its browsers,
 * being detached, would live on: the ones still running are killed on the way out.
 */
const running = new Set<number>();
let exitHookInstalled = false;

function trackUntilExit(pid: number | undefined, exited: Promise<void>): void {
  if (pid === undefined) return;
  running.add(pid);
  void exited.then(() => running.delete(pid));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const p of running) killGroup(p);
    });
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
