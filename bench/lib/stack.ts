import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import type { z } from "zod";
import { launchChromium } from "../../src/browser/local-playwright/chromium-launch.ts";
import { findChromium } from "../../src/browser/local-playwright/chromium-path.ts";
import { screenInfoSwitch } from "../../src/browser/local-playwright/device-scale-screens.ts";
import { connectScriptedUser, type ScriptedUser } from "../../src/demo/scripted-user.ts";
import type { ProviderInput, verifySchema } from "../../src/providers/provider-schema.ts";
import { type BotSignalSite, startBotSignalSite } from "../../test/fixtures/bot-signal-site.ts";
import { type FixtureSite, startFixtureSite } from "../../test/fixtures/fixture-site.ts";

type VerifyInput = z.input<typeof verifySchema>;

import { type EmbeddedRedis, startEmbeddedRedis } from "../../src/core/redis/embedded-redis.ts";
import { type ApiClient, createApiClient } from "./api-client.ts";
import { chromiumChildren, exeOf, processTree } from "./procs.ts";
import type { Resources } from "./resources.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHILD = fileURLToPath(new URL("./service-child.ts", import.meta.url));

export interface BenchStack {
  chromiumPath: string;
  redis: EmbeddedRedis;
  /** The fixture site as is, and a copy whose dashboard adds 50 cookies and 200 storage keys. */
  site: FixtureSite;
  bulkSite: FixtureSite;
  /** The bot-signal page (figure 13): what sites that look for automation see of a browser. */
  bots: BotSignalSite;
  api: ApiClient;
  apiKey: string;
  encryptionKeys: string;
  apiPid: number;
  workerPid: number;
  debugPort: number;
  /** Where figure 7 runs its webhook receiver: the one loopback host:port the workers may deliver to. */
  webhookPort: number;
  /** The worker's browser's DevTools endpoint, where scripted users attach. */
  cdpEndpoint: string;
  /** Bare Playwright's own browser: same binary, same flags, launched once and kept running. */
  bare: Browser;
  /** Acts as the user in the worker's browser over its DevTools port; reconnects on demand. */
  user(): Promise<ScriptedUser>;
  dropUser(): Promise<void>;
}

export interface StackOptions {
  spareContexts: number;
  workerConcurrency: number;
  bulk: { cookies: number; storageKeys: number };
}

/** The bundled demo's success condition (URL and the dashboard's last storage key), settleMs 0. */
function demoLike(id: string, s: FixtureSite, verify?: VerifyInput): ProviderInput {
  return {
    ...(verify ? { verify } : {}),
    id,
    name: id,
    loginUrl: s.loginUrl,
    success: {
      all: [
        { url: { hostname: "localhost", pathname: "/dashboard" } },
        { storage: { area: "localStorage", key: "demo.profile" } },
      ],
    },
    settleMs: 0,
    failureUrls: [{ pathname: "/login", search: "error=*" }],
    origins: [s.appOrigin, s.ssoOrigin],
  };
}

export const bulkProvider = (stack: Pick<BenchStack, "bulkSite">) => demoLike("bench-bulk", stack.bulkSite);

/**
 * Providers with settleMs 0: `bench-url` succeeds on the URL alone (detection figure), `bench-demo`
 * is the bundled demo's condition, `bench-bulk` the same on the bulk site.
 */
function providers(site: FixtureSite, bulkSite: FixtureSite, bots: BotSignalSite): ProviderInput[] {
  return [
    {
      id: "bench-url",
      name: "URL only",
      loginUrl: site.loginUrl,
      success: { url: { pathname: "/dashboard" } },
      settleMs: 0,
    },
    demoLike("bench-demo", site),
    bulkProvider({ bulkSite }),
    // Figure 9: the demo's condition, and a check that decides as soon as the dashboard has loaded.
    demoLike("bench-verify", site, {
      url: `${site.appOrigin}/dashboard`,
      loggedIn: { url: { pathname: "/dashboard" } },
      loggedOut: { url: { pathname: "/login" } },
      settleMs: 0,
    }),
    // Figure 12: its browser kept alive after capture. The bench logs in through /auto-login, which may reach the
    // dashboard before the success watcher's baseline is read: the URL alone decides.
    {
      id: "bench-keep-alive",
      name: "Kept alive",
      loginUrl: site.loginUrl,
      success: { url: { hostname: "localhost", pathname: "/dashboard" } },
      settleMs: 0,
      origins: [site.appOrigin, site.ssoOrigin],
      keepAlive: { maxTime: "10m" },
    },
    // Never succeeds: the live-view figure types into it while the session waits.
    {
      id: "bench-latency",
      name: "Live view latency page",
      loginUrl: `${site.appOrigin}/latency`,
      success: { url: { pathname: "/never" } },
      settleMs: 0,
    },
    // Figure 13: the bot-signal page as a login page, in the default configuration.
    {
      id: "bench-bots",
      name: "Bot-signal page",
      loginUrl: bots.pageUrl("service"),
      success: { url: { pathname: "/never" } },
      settleMs: 0,
    },
  ];
}

export async function startBenchStack(
  resources: Resources,
  options: StackOptions,
  log: (line: string) => void,
): Promise<BenchStack> {
  const chromiumPath = findChromium(process.env.CHROMIUM_PATH);
  const dataDir = mkdtempSync(join(tmpdir(), "blc-bench-"));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  process.once("exit", removeDataDir);
  resources.add("data folder", async () => {
    process.off("exit", removeDataDir);
    removeDataDir();
  });

  const redis = await startEmbeddedRedis({ port: await freePort(), dir: join(dataDir, "redis") });
  resources.add("redis", () => redis.stop());
  const site = await startFixtureSite();
  resources.add("fixture site", () => site.close());
  const bulkSite = await startFixtureSite({ bulk: options.bulk });
  resources.add("bulk fixture site", () => bulkSite.close());
  const bots = await startBotSignalSite();
  resources.add("bot-signal site", () => bots.close());

  const providersFile = join(dataDir, "providers.json");
  writeFileSync(providersFile, JSON.stringify({ providers: providers(site, bulkSite, bots) }));
  const apiKey = `bench_${randomBytes(16).toString("hex")}`;
  const encryptionKeys = `b1:${randomBytes(32).toString("base64")}`;
  const debugPort = await freePort();
  const webhookPort = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: "production",
    // Status polls are logged at debug level anyway; warn keeps start/complete request lines out too.
    LOG_LEVEL: "warn",
    DATA_DIR: dataDir,
    REDIS_URL: redis.url,
    PROVIDERS_FILE: providersFile,
    API_KEYS: apiKey,
    ENCRYPTION_KEYS: encryptionKeys,
    HOST: "127.0.0.1",
    PORT: "0",
    // The bench tags each login URL (?tag=…) so the scripted user finds the right tab.
    CLIENT_LOGIN_URLS: "true",
    CLIENT_LOGIN_URL_HOSTS: "localhost",
    ALLOW_PRIVATE_LOGIN_URLS: "true",
    HEADLESS: "true",
    CHROMIUM_PATH: chromiumPath,
    BROWSER_DEBUG_PORT: String(debugPort),
    SPARE_CONTEXTS: String(options.spareContexts),
    WORKER_CONCURRENCY: String(options.workerConcurrency),
    // The figures load one worker with one subject's sessions: its capacity, not the per-subject limit.
    MAX_SESSIONS_PER_SUBJECT: "1000",
    SHUTDOWN_GRACE_MS: "1000",
    WEBHOOK_PRIVATE_ALLOWED_FOR: `127.0.0.1:${webhookPort}`,
  };

  const worker = await startChild("worker", env, resources, chromiumPath);
  const api = await startChild("api", env, resources, chromiumPath);
  log(`worker pid ${worker.pid} (Chromium debug port ${debugPort}), API pid ${api.pid} on port ${api.port}`);
  const client = createApiClient(`http://127.0.0.1:${api.port}`, apiKey);
  resources.add("API client", async () => client.close());

  // Signals are the bench's to handle (lib/resources.ts): Playwright's handler would exit mid-cleanup.
  // Launched as the worker launches its own (sandbox, environment), with Playwright's defaults otherwise.
  const { browser: bare } = await launchChromium(chromium, {
    executablePath: chromiumPath,
    window: "headless",
    // The worker's screens by pixel ratio, so that figure 11 sees frames as a high-density viewer gets them.
    args: [screenInfoSwitch()],
  });
  resources.add("bare Chromium", () => bare.close());

  let user: Promise<ScriptedUser> | undefined;
  const dropUser = async () => {
    const current = user;
    user = undefined;
    if (current) await (await current).disconnect();
  };
  resources.add("scripted user", dropUser);

  return {
    chromiumPath,
    redis,
    site,
    bulkSite,
    bots,
    api: client,
    apiKey,
    encryptionKeys,
    apiPid: api.pid,
    workerPid: worker.pid,
    debugPort,
    webhookPort,
    cdpEndpoint: `http://127.0.0.1:${debugPort}`,
    bare,
    user: () => (user ??= connectScriptedUser(`http://127.0.0.1:${debugPort}`)),
    dropUser,
  };
}

interface Child {
  pid: number;
  port?: number;
  stop(): Promise<void>;
}

/** Starts bench/lib/service-child.ts and waits for its ready message; registers its stop. */
async function startChild(
  role: "api" | "worker",
  env: Record<string, string>,
  resources: Resources,
  chromiumPath: string,
): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, [CHILD, role], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Should this process end before its cleanup has run (Playwright's own SIGINT handler exits it
  // once its browsers are closed), the child is told to stop on the way out.
  const onExit = () => child.kill("SIGTERM");
  process.once("exit", onExit);
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= stopChild(child, exited, chromiumPath).finally(() => process.off("exit", onExit)));
  resources.add(`${role} process`, stop);

  const ready = await new Promise<{ port?: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${role} did not start within 60 s:\n${output}`)), 60_000);
    child.on("message", (m: { type?: string; port?: number }) => {
      if (m?.type !== "ready") return;
      clearTimeout(timer);
      resolve(m);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${role} exited with ${code} at start:\n${output}`));
    });
  });
  // Anything it writes later (warnings, errors) is worth seeing.
  child.stdout!.on("data", (d) => process.stderr.write(`[${role}] ${d}`));
  child.stderr!.on("data", (d) => process.stderr.write(`[${role}] ${d}`));
  return { pid: child.pid!, port: ready.port, stop };
}

/**
 * SIGTERM (the service closes its browser and connections), SIGKILL after 15 s; then any Chromium
 * process of its tree still alive is killed by pid, so a wedged worker cannot leave a browser behind.
 */
async function stopChild(child: ChildProcess, exited: Promise<void>, chromiumPath: string) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const browsers = chromiumChildren(child.pid!, chromiumPath).flatMap((root) => processTree(root));
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 15_000))),
  ]);
  clearTimeout(timer);
  if (gaveUp) {
    child.kill("SIGKILL");
    await exited;
  }
  for (const pid of browsers) {
    if (exeOf(pid) !== chromiumPath) continue; // gone, as it should be (or the pid is someone else's now)
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Exited meanwhile.
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
