#!/usr/bin/env node
// Makes a fresh machine ready: npm dependencies, then the system programs the chosen command needs
// (redis-server, Chromium; for tests Xvfb and PostgreSQL's server). Installs them with apt-get where it may (root, Debian);
// otherwise prints the exact command to run and stops. Plain Node: it runs before npm ci.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";

const purpose = process.argv[2] ?? "start"; // "start" | "test"
const say = (line) => process.stderr.write(`[setup] ${line}\n`);

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  say(`Node ${process.versions.node} is too old: install Node 20.19 or newer.`);
  process.exit(1);
}

const lock = "package-lock.json";
const installed = "node_modules/.package-lock.json";
if (!existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs) {
  say("installing npm dependencies (npm ci)");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
const chromium = () =>
  process.env.CHROMIUM_PATH
    ? existsSync(process.env.CHROMIUM_PATH)
    : ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].some(existsSync);
// Debian puts each major version's server in /usr/lib/postgresql/<major>/bin, off the PATH.
const postgresServer = () =>
  (process.env.PG_BIN && existsSync(`${process.env.PG_BIN}/postgres`)) ||
  (existsSync("/usr/lib/postgresql") &&
    readdirSync("/usr/lib/postgresql").some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/postgres`)));

const needs = [];
if (purpose === "test" || !process.env.REDIS_URL)
  needs.push({ pkg: "redis-server", present: () => has("redis-server") });
if (purpose === "test" || (process.env.BROWSER_ADAPTER ?? "local") === "local")
  needs.push({ pkg: "chromium", present: chromium });
if (purpose === "test")
  needs.push(
    { pkg: "xvfb", present: () => has("xvfb-run") },
    { pkg: "procps", present: () => has("pgrep") },
    { pkg: "postgresql", present: postgresServer },
  );

const missing = needs.filter((n) => !n.present()).map((n) => n.pkg);
if (missing.length > 0) {
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !has("apt-get")) {
    say(`missing: ${missing.join(", ")}. Install them, e.g.:\n  sudo sh -c '${command}'`);
    process.exit(1);
  }
  say(`installing ${missing.join(", ")} with apt-get`);
  try {
    execFileSync("sh", ["-c", command], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  } catch {
    say(`apt-get failed; run it yourself:\n  ${command}`);
    process.exit(1);
  }
}
