import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port.ts";
import { processesMatching, spawnService } from "../helpers/service-process.ts";

/** What ends a process and what does not (src/service/run-process.ts, docs/operations.md). */
describe("the process policy", () => {
  it("logs an error escaping a handler (uncaught exception, unhandled rejection) and carries on", async () => {
    const service = spawnService("test/fixtures/faulty-service.ts", { FAULT: "handler" });
    try {
      await service.waitForOutput("still serving");
      expect(service.child.exitCode).toBe(null);
      const lines = service
        .output()
        .split("\n")
        .filter((l) => l.includes("uncaught error in a handler"));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toContain("TypeError");
      expect(lines[1]).toContain("a promise nobody awaited");
      // Where it happened, for whoever fixes it; never the token its URL carried.
      expect(lines[0]).toContain("faulty-service.ts");
      expect(service.output()).not.toContain("handler-secret");
      service.child.kill("SIGTERM");
      expect((await service.exited).code).toBe(0);
    } finally {
      service.kill();
    }
  });

  it("ends a start that throws with one line and exit code 1, no stack", async () => {
    const service = spawnService("test/fixtures/faulty-service.ts", { FAULT: "starting" });
    try {
      const exit = await service.exited;
      expect(exit.code).toBe(1);
      expect(service.output().trim().split("\n")).toEqual([expect.stringContaining("could not read the thing")]);
      expect(service.output()).not.toContain("    at ");
      expect(service.output()).not.toMatch(/hunter2|starting-secret/);
    } finally {
      service.kill();
    }
  });

  it("stops and exits 1 with one line when a part it cannot do without stops for good", async () => {
    const service = spawnService("test/fixtures/faulty-service.ts", { FAULT: "fatal" });
    try {
      const exit = await service.exited;
      expect(exit.code).toBe(1);
      expect(service.output()).toMatch(/fatal: the thing it needs stopped; stopping/);
      expect(service.output()).toContain("closed");
    } finally {
      service.kill();
    }
  });

  it("npm start stops, saying why, when its embedded Redis dies: nothing restarts it silently", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blc-policy-"));
    const redisPort = await freePort();
    const service = spawnService("src/bin/start.ts", {
      PORT: String(await freePort()),
      EMBEDDED_REDIS_PORT: String(redisPort),
      DEMO_PORT: String(await freePort()),
      DEMO_SSO_PORT: String(await freePort()),
      DATA_DIR: join(dir, "data"),
      API_KEYS: `test_${randomBytes(16).toString("hex")}`,
      ENCRYPTION_KEYS: `t1:${randomBytes(32).toString("base64")}`,
      HEADLESS: "true",
      SHUTDOWN_GRACE_MS: "1000",
      LOG_FORMAT: "json",
    });
    try {
      await service.waitForOutput("browser-login-capture is running at");
      const [redis] = processesMatching(`redis-server 127.0.0.1:${redisPort}`);
      expect(redis, "the embedded Redis process").toBeDefined();
      process.kill(Number(redis!.trim().split(" ")[0]), "SIGKILL");
      const exit = await service.exited;
      expect(exit.code).toBe(1);
      expect(service.output()).toMatch(/fatal: the embedded Redis exited \(SIGKILL\) and nothing restarts it/);
    } finally {
      service.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
