import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../helpers/free-port.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * The service under fuzz: `npm start` (src/bin/start.ts) as its own process, the API and a worker
 * with a local Chromium in it, as a user runs it, so that an exit is seen as an exit and its memory
 * is its own (/proc/<pid>/status). Providers reach loopback only: the demo site, an API-key provider
 * with no validation request, an OAuth2 provider whose endpoints are on port 1 of 127.0.0.1.
 */
export interface FuzzService {
  baseUrl: string;
  port: number;
  apiKey: string;
  pid: number;
  alive(): boolean;
  /** How the process ended, if it did. */
  exit(): { code: number | null; signal: string | null } | undefined;
  /** Resident memory of the service's own process (not its Chromium or Redis), in MB. */
  rssMb(): number;
  /** Log lines the process wrote about errors that escaped a handler or ended it. */
  uncaughtLines(): string[];
  /** The last lines it wrote, for a report. */
  outputTail(): string;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export async function startFuzzService(env: Record<string, string> = {}): Promise<FuzzService> {
  const dir = mkdtempSync(join(tmpdir(), "blc-fuzz-"));
  const providersFile = join(dir, "providers.json");
  writeFileSync(
    providersFile,
    JSON.stringify({
      providers: [
        {
          id: "demo",
          name: "Demo",
          loginUrl: "http://localhost:${DEMO_PORT}/login",
          success: {
            all: [{ url: { hostname: "localhost", pathname: "/dashboard" } }, { storage: { key: "demo.profile" } }],
          },
        },
        { kind: "api_key", id: "fuzz-keys", name: "Fuzz keys", fields: [{ name: "apiKey", label: "API key" }] },
        {
          kind: "oauth2",
          id: "fuzz-oauth",
          name: "Fuzz OAuth",
          authorizationEndpoint: "http://127.0.0.1:1/authorize",
          tokenEndpoint: "http://127.0.0.1:1/token",
          clientId: "fuzz",
          clientSecret: "fuzz-secret",
        },
      ],
    }),
  );
  const apiKey = `fuzz_${randomBytes(16).toString("hex")}`;
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "src/bin/start.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      EMBEDDED_REDIS_PORT: String(await freePort()),
      DEMO_PORT: String(await freePort()),
      DEMO_SSO_PORT: String(await freePort()),
      DATA_DIR: join(dir, "data"),
      PROVIDERS_FILE: providersFile,
      API_KEYS: apiKey,
      ENCRYPTION_KEYS: `f1:${randomBytes(32).toString("base64")}`,
      HEADLESS: "true",
      LOG_LEVEL: "warn",
      LOG_FORMAT: "json",
      CLIENT_LOGIN_URLS: "false",
      HTTP_HEADERS_TIMEOUT_MS: "1000",
      HTTP_REQUEST_TIMEOUT_MS: "2000",
      SHUTDOWN_GRACE_MS: "2000",
      WORKER_CONCURRENCY: "6",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  // Keep the tail and the lines that matter, never the whole output (a long run writes a lot).
  let tail = "";
  const flagged: string[] = [];
  let printedUrl = false;
  const take = (chunk: Buffer) => {
    const text = String(chunk);
    if (text.includes("browser-login-capture is running at")) printedUrl = true;
    for (const line of text.split("\n"))
      if (/uncaught error in a handler|fatal|"level":60/.test(line)) flagged.push(line.slice(0, 2_000));
    tail = (tail + text).slice(-20_000);
  };
  child.stdout!.on("data", take);
  child.stderr!.on("data", take);
  let exited: { code: number | null; signal: string | null } | undefined;
  child.once("exit", (code, signal) => {
    exited = { code, signal };
  });
  await waitFor(() => printedUrl || exited !== undefined, { timeoutMs: 90_000, what: "the service to start" });
  if (exited) throw new Error(`the service exited at start:\n${tail}`);

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    apiKey,
    pid: child.pid!,
    alive: () => exited === undefined,
    exit: () => exited,
    rssMb() {
      try {
        const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
        return kb ? Number(kb) / 1024 : 0;
      } catch {
        return 0;
      }
    },
    uncaughtLines: () => [...flagged],
    outputTail: () => tail,
    async stop() {
      if (exited === undefined) {
        process.kill(-child.pid!, "SIGTERM");
        await waitFor(() => exited !== undefined, { timeoutMs: 30_000, what: "the service to stop" }).catch(() => {
          process.kill(-child.pid!, "SIGKILL");
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
