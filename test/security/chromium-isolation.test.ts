import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserAdapter, BrowserSession } from "../../src/browser/browser-adapter.ts";
import { createLocalPlaywrightAdapter } from "../../src/browser/local-playwright/local-playwright-adapter.ts";
import { type FixtureSite, startFixtureSite } from "../fixtures/fixture-site.ts";
import { type ChromiumProcess, chromiumTree, memoryHolds, processesMentioning } from "../helpers/chromium-processes.ts";
import { freePort } from "../helpers/free-port.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** What Chromium may be given (chromium-environment.ts); anything else in its environment is a leak. */
const ALLOWED = new Set([
  "PATH",
  "HOME",
  "TZ",
  "LANG",
  "LANGUAGE",
  "LC_ALL",
  "TMPDIR",
  "FONTCONFIG_FILE",
  "FONTCONFIG_PATH",
]);

/**
 * The worker's secrets never reach Chromium, and a page's renderer is sandboxed. Secrets are planted
 * in this process's environment (the worker's), then every Chromium process is searched: the browser's
 * environment, and the memory of each process (browser, zygotes, GPU, utilities, renderers), where a
 * child keeps the variables it started with even after writing its title over /proc/<pid>/environ.
 * Run as root (CI: Chromium then runs as CHROMIUM_USER) or as the user Chromium runs as.
 */
describe("Chromium's isolation: no service secret in any of its processes, renderers sandboxed", () => {
  const planted = {
    ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
    API_KEYS: `isolation_${randomBytes(16).toString("hex")}`,
    REDIS_URL: `redis://:${randomBytes(12).toString("hex")}@redis.internal:6379`,
  };
  const before: Record<string, string | undefined> = {};
  let site: FixtureSite;
  let adapter: BrowserAdapter;
  let session: BrowserSession;
  let port: number;
  let processes: ChromiumProcess[];
  let home: string;

  beforeAll(async () => {
    for (const [name, value] of Object.entries(planted)) {
      before[name] = process.env[name];
      process.env[name] = value;
    }
    site = await startFixtureSite();
    port = await freePort();
    adapter = createLocalPlaywrightAdapter({ headless: true, remoteDebuggingPort: port, sandbox: "required" });
    session = await adapter.openSession({ sessionId: randomUUID(), loginUrl: site.loginUrl, timeoutMs: 60_000 });
    // The login page's renderer is up once the page has loaded; the tree is read once it shows.
    processes = await waitFor(
      () => {
        const tree = chromiumTree(port);
        return tree.some((p) => p.type === "renderer") && tree;
      },
      { what: "a renderer in Chromium's process tree", timeoutMs: 30_000 },
    );
    home = processes[0]!.environ.find((v) => v.startsWith("HOME="))!.slice("HOME=".length);
  });

  afterAll(async () => {
    await session?.close();
    await adapter?.close();
    await site?.close();
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("gives the browser process an allow-listed environment with a HOME of its own", () => {
    const names = processes[0]!.environ.map((v) => v.slice(0, v.indexOf("=")));
    expect(names.filter((n) => !ALLOWED.has(n))).toEqual([]);
    expect(home).toMatch(/blc-chromium-home-/);
  });

  it("holds no planted secret in the memory of any Chromium process", () => {
    expect(processes.map((p) => p.type)).toEqual(expect.arrayContaining(["browser", "zygote", "renderer"]));
    const found: string[] = [];
    for (const p of processes) {
      // The scan must be able to see an environment variable at all: this launch's HOME is in every process.
      const control = memoryHolds(p.pid, `HOME=${home}`);
      if ("gone" in control) continue;
      if ("unreadable" in control) throw new Error(`cannot read ${p.type} ${p.pid}'s memory (${control.unreadable})`);
      if (!control.found) found.push(`${p.type} ${p.pid}: the scan did not see HOME (it sees nothing)`);
      for (const [name, value] of Object.entries(planted)) {
        const scan = memoryHolds(p.pid, value);
        if ("found" in scan && scan.found) found.push(`${p.type} ${p.pid} holds ${name}`);
      }
    }
    expect(found).toEqual([]);
  });

  it("runs no crash handler: nothing outside the browser's tree holds its environment or writes dumps", () => {
    expect(processesMentioning(home).map((p) => `${p.type} ${p.pid}`)).toEqual([]);
  });

  it("runs each renderer sandboxed: seccomp-bpf, a PID namespace of its own, not root", () => {
    const browser = processes[0]!;
    const renderers = processes.filter((p) => p.type === "renderer");
    expect(renderers.length).toBeGreaterThan(0);
    for (const renderer of renderers) {
      expect({ pid: renderer.pid, seccomp: renderer.seccomp }).toEqual({ pid: renderer.pid, seccomp: 2 });
      expect(renderer.pidNamespace).not.toBe(browser.pidNamespace);
      expect(renderer.uid).not.toBe(0);
    }
  });

  it("deletes the browser's HOME when the browser goes", async () => {
    await session.close();
    await adapter.close();
    await waitFor(() => !existsSync(home), { what: `${home} to be deleted` });
  });
});
