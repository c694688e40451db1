import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export interface EmbeddedPostgres {
  /** The server's `postgres` database, superuser, trust authentication on loopback. */
  url: string;
  port: number;
  /** A fresh, empty database on this server, for one test's store. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** Debian installs each major version's server under /usr/lib/postgresql/<major>/bin; PG_BIN overrides. */
function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const found = majors.map((v) => join(root, v, "bin")).find((dir) => existsSync(join(dir, "postgres")));
  if (!found) throw new Error("PostgreSQL server binaries not found: apt-get install postgresql (or set PG_BIN)");
  return found;
}

/**
 * initdb and postgres refuse to run as root: as root (CI, these machines) they run as the
 * `postgres` user the Debian package creates, in a temp dir it owns.
 */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  return { uid: id("-u"), gid: id("-g") };
}

/** A throwaway PostgreSQL server on `port` for tests, as startEmbeddedRedis is for Redis. */
export async function startEmbeddedPostgres(options: { port: number }): Promise<EmbeddedPostgres> {
  const bin = binDir();
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), "blc-pg-"));
  const data = join(dir, "data");
  mkdirSync(data, { mode: 0o700 });
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(data, user.uid, user.gid);
  }
  const init = spawnSync(
    join(bin, "initdb"),
    ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"],
    {
      encoding: "utf8",
      ...user,
    },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.error?.message}`);

  const child: ChildProcess = spawn(
    join(bin, "postgres"),
    // No unix socket (its default directory belongs to the system cluster); durability off: test data.
    [
      "-D",
      data,
      "-p",
      String(options.port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "fsync=off",
      "-c",
      "full_page_writes=off",
    ],
    { stdio: ["ignore", "ignore", "pipe"], detached: true, ...user },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const stopOnExit = () => child.kill("SIGKILL");
  process.once("exit", stopOnExit);
  const url = `postgres://postgres@127.0.0.1:${options.port}/postgres`;

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited at start: ${stderr.trim() || "no output"}`);
    const client = new pg.Client({ connectionString: url });
    const ready = await client.connect().then(
      () => true,
      () => false,
    );
    await client.end().catch(() => {});
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`postgres did not accept connections on port ${options.port}: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    port: options.port,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${options.port}/${name}`;
    },
    async stop() {
      process.off("exit", stopOnExit);
      // SIGINT: fast shutdown (open connections are ended); SIGKILL if it hangs.
      if (child.exitCode === null) child.kill("SIGINT");
      const stuck = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(stuck);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A pool whose idle connections may be cut by the server stopping at the end of the file. */
export function quietPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString });
  pool.on("error", () => {});
  return pool;
}
