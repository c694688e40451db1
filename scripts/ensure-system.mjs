#!/usr/bin/env node
// Makes a fresh machine ready, then runs the command: npm dependencies (which bring Node 24, the npm
// package `node`), the system programs the purpose needs (redis-server, Chromium; for tests also Xvfb,
// procps and PostgreSQL's server), installed with apt-get where it may (root, Debian), otherwise the
// exact command to run is printed. Plain JavaScript for any Node >= 20: it runs before npm ci.
//
//   node scripts/ensure-system.mjs <start|test> [script.ts [args...]]
//
// With a script, it then runs that script with the project's Node 24, found after the install. A shell
// that looked `node` up before `npm ci` put Node 24 in node_modules/.bin would keep the old one (dash
// remembers where it found a command), so `npm start` must not say `… && node src/bin/start.ts`.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [purpose = "start", script, ...scriptArgs] = process.argv.slice(2); // purpose: "start" | "test"
const say = (line) => process.stderr.write(`[setup] ${line}\n`);

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  say(`Node ${process.versions.node} is too old: install Node 20.19 or newer.`);
  process.exit(1);
}

const lock = join(root, "package-lock.json");
const installed = join(root, "node_modules/.package-lock.json");
// A node_modules that is a link to another checkout's (a git worktree sharing it) is that checkout's to
// install: npm ci here would empty it under the other one.
const linked = existsSync(join(root, "node_modules")) && lstatSync(join(root, "node_modules")).isSymbolicLink();
if (!linked && (!existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs)) {
  say("installing npm dependencies (npm ci)");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit", cwd: root });
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
    // xvfb-run needs xauth, which apt installs only as a recommendation.
    { pkg: "xauth", present: () => has("xauth") },
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

if (!script) process.exit(0);

// The project's Node (the `node` package, a development dependency); the running one when it is new enough itself.
const projectNode = join(root, "node_modules/.bin/node");
const node = existsSync(projectNode) ? projectNode : major >= 24 ? process.execPath : undefined;
if (!node) {
  say("Node 24 is needed and node_modules/.bin/node is missing: run `npm ci` (with development dependencies).");
  process.exit(1);
}
// The script runs in a process group of its own, as `node script` would from a shell: a signal to this
// process, or to its group (Ctrl-C, a supervisor's `kill -- -PGID`), is passed on to it once, and this
// process waits and leaves with the script's own exit status.
// Workspace packages (packages/*, e.g. the client the demo and bench import by name) resolve to their
// TypeScript sources rather than a dist/ built only when packed: their exports name this condition first
// (tsconfig.json and vitest.config.ts say the same). NODE_OPTIONS passes it on to the script's own children.
const sourceCondition = "--conditions=@browser-login-capture/source";
const child = spawn(node, [script, ...scriptArgs], {
  stdio: "inherit",
  cwd: root,
  detached: true,
  env: {
    ...process.env,
    PATH: `${join(root, "node_modules/.bin")}:${process.env.PATH ?? ""}`,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, sourceCondition].filter(Boolean).join(" "),
  },
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => {
  if (!signal) process.exit(code ?? 1);
  // End the same way, so that whoever started this sees what the script saw.
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
});
