import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { waitFor } from "./wait-for.ts";

/**
 * An entry point (src/bin/start.ts, src/bin/api.ts, ...) in its own process group, as a terminal or a
 * supervisor runs it, so a test can signal the whole group the way `timeout` or `kill -- -PGID` do.
 */
export interface ServiceProcess {
  child: ChildProcess;
  /** The environment it was given (beyond this process's), to start it again the same way. */
  env: Record<string, string>;
  output(): string;
  /** Exit code (null when killed by a signal) and the time it took from `since` (default: spawn). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  signalGroup(signal: NodeJS.Signals): void;
  /** SIGKILL to the group if it still runs: cleanup after a failed test. */
  kill(): void;
}

export function spawnService(entry: string, env: Record<string, string>): ServiceProcess {
  // As `npm start` / `npm run demo` run it: workspace packages resolve to their sources (scripts/ensure-system.mjs).
  const child = spawn(process.execPath, ["--conditions=@browser-login-capture/source", entry], {
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const has = (text: string | RegExp) => (typeof text === "string" ? output.includes(text) : text.test(output));
  return {
    child,
    env,
    output: () => output,
    exited,
    async waitForOutput(text, timeoutMs = 30_000) {
      await waitFor(() => has(text) || child.exitCode !== null || child.signalCode !== null, {
        timeoutMs,
        what: `output ${text}`,
      });
      if (!has(text)) throw new Error(`process exited before printing ${text}:\n${output}`);
    },
    signalGroup(signal) {
      process.kill(-child.pid!, signal);
    },
    kill() {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
    },
  };
}

/** Command lines of live processes whose command line contains `pattern`. */
export function processesMatching(pattern: string): string[] {
  try {
    return execFileSync("pgrep", ["-af", "--", pattern], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.trim() && !l.includes("pgrep"));
  } catch {
    return [];
  }
}

export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
