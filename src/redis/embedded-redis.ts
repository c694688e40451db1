import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createConnection } from "node:net";
import { resolve } from "node:path";

export interface EmbeddedRedis {
  url: string;
  port: number;
  dir: string;
  /** Stops the server (SIGTERM, so it writes its append-only file) and waits for it to exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/**
 * A redis-server child process for development and tests, set up as BullMQ needs it
 * (noeviction) and durable (append-only file in `dir`). Production points REDIS_URL at a real one.
 */
export async function startEmbeddedRedis(options: { port: number; dir: string; binary?: string }): Promise<EmbeddedRedis> {
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn(
    options.binary ?? "redis-server",
    [
      "--port", String(options.port),
      "--bind", "127.0.0.1",
      "--dir", dir,
      "--appendonly", "yes",
      "--appendfsync", "everysec",
      "--maxmemory-policy", "noeviction",
      "--save", "",
      "--protected-mode", "yes",
    ],
    // Its own process group: a signal to the service's group (Ctrl-C, `timeout`, a supervisor's
    // `kill -- -PGID`) must not stop Redis under the parts still using it; stop() ends it last.
    { stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const spawnError = new Promise<never>((_, reject) =>
    child.once("error", (e) => reject(new Error(`Could not start redis-server (${e.message}). Install it: apt-get install redis-server`))),
  );
  const stopOnExit = () => child.kill("SIGKILL");
  process.once("exit", stopOnExit);
  try {
    await Promise.race([waitForPort(options.port, 10_000, () => child.exitCode !== null, () => stderr), spawnError]);
  } catch (error) {
    process.off("exit", stopOnExit);
    child.kill("SIGKILL");
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${options.port}`,
    port: options.port,
    dir,
    async stop() {
      process.off("exit", stopOnExit);
      if (child.exitCode === null) child.kill("SIGTERM");
      const stuck = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(stuck);
    },
  };
}

async function waitForPort(port: number, timeoutMs: number, died: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (died()) throw new Error(`redis-server exited at start: ${output().trim() || "no output"}`);
    const open = await new Promise<boolean>((done) => {
      const socket = createConnection({ port, host: "127.0.0.1" }, () => {
        socket.end();
        done(true);
      });
      socket.on("error", () => done(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
