#!/usr/bin/env node
// Runs vitest under a virtual display when there is none, so the headed-browser tests run too.
import { spawnSync } from "node:child_process";

const args = ["vitest", "run", ...process.argv.slice(2)];
const command = process.env.DISPLAY ? ["npx", args] : ["xvfb-run", ["-a", "-s", "-screen 0 1280x1024x24", "npx", ...args]];
const result = spawnSync(command[0], command[1], { stdio: "inherit" });
process.exit(result.status ?? 1);
