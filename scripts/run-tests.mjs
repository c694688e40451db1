#!/usr/bin/env node
// Runs vitest under a virtual display when there is none (so the headed-browser tests run too),
// then prints one plain summary line: "tests: N passed, N failed".
// The display accepts any local client (-ac): run as root, the tests' Chromium runs as another user
// (CHROMIUM_USER, for its sandbox), who cannot read root's X authority file.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

const results = ".data/test-results.json";
mkdirSync(".data", { recursive: true });
rmSync(results, { force: true });
const args = [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${results}`,
  ...process.argv.slice(2),
];
const [cmd, cmdArgs] = process.env.DISPLAY
  ? ["npx", args]
  : ["xvfb-run", ["-a", "-s", "-ac -screen 0 1280x1024x24", "npx", ...args]];
const run = spawnSync(cmd, cmdArgs, { stdio: "inherit" });

if (existsSync(results)) {
  const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(readFileSync(results, "utf8"));
  process.stdout.write(
    `\ntests: ${numPassedTests} passed, ${numFailedTests} failed${numPendingTests ? `, ${numPendingTests} skipped` : ""}\n`,
  );
  if (numPassedTests === 0) process.exit(1);
}
process.exit(run.status ?? 1);
