import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port.ts";
import { processesMatching } from "../helpers/service-process.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * The README's two commands, typed by a new user in a fresh clone (no node_modules) on a machine whose
 * own Node comes first on the PATH (Node 20 on these machines): each installs what it needs and works
 * on the first try. The clone is of this repository's HEAD.
 */
describe("a new user's first npm start and npm test, in a clean clone", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A clone of HEAD, and an environment with nothing of this process's: the system's Node first. */
  function freshClone() {
    const dir = mkdtempSync(join(tmpdir(), "blc-first-run-"));
    dirs.push(dir);
    execFileSync("git", ["clone", "--quiet", "--no-hardlinks", process.cwd(), dir]);
    return dir;
  }
  const userEnv = (extra: Record<string, string>) => ({
    HOME: process.env.HOME ?? "/root",
    PATH: "/usr/local/bin:/usr/bin:/bin",
    ...extra,
  });
  const systemNode = execFileSync("sh", ["-c", "command -v node && node --version"], { env: userEnv({}) }).toString();

  /** `npm <args>` in its own process group, as a terminal runs it; `output` is what the user sees. */
  function npm(dir: string, args: string[], env: Record<string, string>) {
    const child = spawn("npm", args, {
      cwd: dir,
      env: userEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    return { child, output: () => output, exited };
  }

  it("npm start installs everything, serves the API, and stops on Ctrl-C leaving nothing running", async () => {
    const dir = freshClone();
    const port = await freePort();
    const ports = {
      PORT: port,
      EMBEDDED_REDIS_PORT: await freePort(),
      DEMO_PORT: await freePort(),
      DEMO_SSO_PORT: await freePort(),
    };
    const start = npm(dir, ["start"], Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])));
    try {
      await waitFor(
        () => start.output().includes("browser-login-capture is running at") || start.child.exitCode !== null,
        {
          timeoutMs: 240_000,
          what: `npm start to serve (system node: ${systemNode.trim()})`,
        },
      );
      expect(start.output(), start.output()).toContain(`running at http://127.0.0.1:${port}`);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      // Ctrl-C: the terminal signals the foreground process group.
      process.kill(-start.child.pid!, "SIGINT");
      // npm itself ends by the Ctrl-C (as it does on any terminal); the service below it shuts down in order.
      expect(
        [
          { code: 0, signal: null },
          { code: null, signal: "SIGINT" },
        ],
        start.output(),
      ).toContainEqual(await start.exited);
      expect(start.output()).toContain("shutting down");
      // The service's processes name the clone; its embedded Redis names its port.
      await waitFor(
        () => processesMatching(dir).length + processesMatching(`127.0.0.1:${ports.EMBEDDED_REDIS_PORT}`).length === 0,
        {
          what: "every process of the clone to exit",
        },
      );
    } finally {
      try {
        process.kill(-start.child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }, 300_000);

  it("npm test installs everything and runs the tests it is given", async () => {
    const dir = freshClone();
    const test = npm(dir, ["test", "--", "test/providers/url-pattern.test.ts"], {});
    const { code } = await test.exited;
    expect(code, test.output()).toBe(0);
    expect(test.output()).toMatch(/tests: [1-9]\d* passed, 0 failed/);
  }, 300_000);
});
