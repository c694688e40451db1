import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestStack } from "./test-stack.ts";
import { fixtureProviders } from "./test-stack.ts";
import { waitFor } from "./wait-for.ts";

/** A worker in its own process (src/bin/worker.ts), as deployments run it, to crash or stop it for real. */
export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export async function spawnWorker(stack: TestStack, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const providersFile = join(stack.config.DATA_DIR, "providers.json");
  writeFileSync(providersFile, JSON.stringify({ providers: fixtureProviders(stack.site) }));
  const child = spawn(process.execPath, ["src/bin/worker.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "test",
      REDIS_URL: stack.redis.url,
      PROVIDERS_FILE: providersFile,
      ENCRYPTION_KEYS: stack.config.ENCRYPTION_KEYS!,
      DATA_DIR: stack.config.DATA_DIR,
      HEADLESS: "true",
      BROWSER_DEBUG_PORT: String(stack.debugPort),
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await waitFor(() => output.includes("worker ready") || child.exitCode !== null, {
    timeoutMs: 30_000,
    what: "worker process ready",
  });
  if (child.exitCode !== null) throw new Error(`worker exited: ${output}`);
  return { child, output: () => output, exited };
}

/** Chromium processes started with this debug port: the browser of one test worker. */
export function chromiumProcesses(debugPort: number): number[] {
  try {
    return execFileSync("pgrep", ["-f", `remote-debugging-port=${debugPort}`], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Stops a worker process (SIGTERM) and ends what a killed one left behind: its Chromium, by pid. */
export async function stopWorkerProcess(worker: WorkerProcess, debugPort: number) {
  worker.child.kill("SIGTERM");
  await worker.exited;
  for (const pid of chromiumProcesses(debugPort)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
}
