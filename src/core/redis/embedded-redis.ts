import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createConnection } from "node:net";
import { resolve } from "node:path";
import { Redis } from "ioredis";

export interface EmbeddedRedis {
  url: string;
  port: number;
  dir: string;
  /** Stops the server (SIGTERM, so it writes its append-only file) and waits for it to exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** Settles when the server has exited, stopped or not: how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * A redis-server child process for development and tests, set up as BullMQ needs it
 * (noeviction) and durable (append-only file in `dir`). Production points REDIS_URL at a real one.
 */
export async function startEmbeddedRedis(options: {
  port: number;
  dir: string;
  binary?: string;
}): Promise<EmbeddedRedis> {
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn(
    options.binary ?? "redis-server",
    [
      "--port",
      String(options.port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--appendonly",
      "yes",
      "--appendfsync",
      "everysec",
      "--maxmemory-policy",
      "noeviction",
      "--save",
      "",
      "--protected-mode",
      "yes",
    ],
    // Its own process group: a signal to the service's group (Ctrl-C, `timeout`, a supervisor's
    // `kill -- -PGID`) must not stop Redis under the parts still using it; stop() ends it last.
    { stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  );
  const spawnError = new Promise<never>((_, reject) =>
    child.once("error", (e) =>
      reject(new Error(`Could not start redis-server (${e.message}). Install it: apt-get install redis-server`)),
    ),
  );
  const stopOnExit = () => child.kill("SIGKILL");
  process.once("exit", stopOnExit);
  try {
    await Promise.race([
      waitForPort(
        options.port,
        10_000,
        () => child.exitCode !== null,
        () => stderr,
      ),
      spawnError,
    ]);
  } catch (error) {
    process.off("exit", stopOnExit);
    child.kill("SIGKILL");
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${options.port}`,
    port: options.port,
    dir,
    exited,
    async stop() {
      process.off("exit", stopOnExit);
      if (child.exitCode === null) child.kill("SIGTERM");
      const stuck = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(stuck);
    },
  };
}

/**
 * The embedded Redis runs in its own process group, so a `kill -9` of the service (or its group)
 * leaves it running on its port. Finds such a leftover, recognised by its data folder being
 * `dir`, and shuts it down (it saves its append-only file); anything else on the port is left alone.
 */
export async function stopLeftoverEmbeddedRedis(options: { port: number; dir: string }): Promise<boolean> {
  const redis = new Redis({
    port: options.port,
    host: "127.0.0.1",
    lazyConnect: true,
    connectTimeout: 1_000,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  redis.on("error", () => {});
  let timer: NodeJS.Timeout | undefined;
  // Whatever listens there may not speak Redis at all, and never answer.
  const silent = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("no answer")), 2_000)));
  try {
    const [, dir] = await Promise.race([
      redis.connect().then(() => redis.config("GET", "dir") as Promise<string[]>),
      silent,
    ]);
    if (dir !== resolve(options.dir)) return false;
    await Promise.race([redis.shutdown(), silent]).catch(() => {});
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && (await isListening(options.port))) await new Promise((r) => setTimeout(r, 50));
  return true;
}

function isListening(port: number): Promise<boolean> {
  return new Promise<boolean>((done) => {
    const socket = createConnection({ port, host: "127.0.0.1" }, () => {
      socket.end();
      done(true);
    });
    socket.on("error", () => done(false));
  });
}

async function waitForPort(port: number, timeoutMs: number, died: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (died()) throw new Error(`redis-server exited at start: ${output().trim() || "no output"}`);
    if (await isListening(port)) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
