import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port.ts";
import { portIsFree, processesMatching, spawnService } from "../helpers/service-process.ts";

/** A port that is taken (another copy of the service, another program) stops the start with one line naming it and its setting. */
describe("a port already in use", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "blc-ports-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A listener that accepts and never answers (the worst neighbour); close() drops its connections too. */
  const occupy = (port: number) =>
    new Promise<{ close(): Promise<void> }>((resolve) => {
      const sockets = new Set<Socket>();
      const server: Server = createServer((socket) => sockets.add(socket));
      server.listen(port, "127.0.0.1", () =>
        resolve({
          close: () =>
            new Promise((done) => {
              for (const socket of sockets) socket.destroy();
              server.close(() => done());
            }),
        }),
      );
    });

  const cases: [entry: string, setting: string][] = [
    // PORT, DEMO_SSO_PORT and BROWSER_DEBUG_PORT go through the same check in src/bin/start.ts.
    ["src/bin/start.ts", "EMBEDDED_REDIS_PORT"],
    ["src/bin/start.ts", "DEMO_PORT"],
    // `npm run demo` while `npm start` runs finds the service's port taken.
    ["src/bin/demo.ts", "PORT"],
    ["src/bin/api.ts", "PORT"],
    ["src/bin/worker.ts", "BROWSER_DEBUG_PORT"],
    ["src/bin/worker.ts", "METRICS_PORT"],
  ];

  it.each(cases)("%s with %s taken: one line, exit code 1, nothing left running", async (entry, setting) => {
    const ports: Record<string, number> = {};
    for (const name of [
      "PORT",
      "EMBEDDED_REDIS_PORT",
      "DEMO_PORT",
      "DEMO_SSO_PORT",
      "BROWSER_DEBUG_PORT",
      "METRICS_PORT",
    ])
      ports[name] = await freePort();
    const taken = await occupy(ports[setting]!);
    try {
      const service = spawnService(entry, {
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
        DATA_DIR: join(dir, "data"),
        HEADLESS: "true",
        // The API and the worker alone need one; the port check comes before any connection.
        ...(entry.endsWith("/api.ts") || entry.endsWith("/worker.ts")
          ? { REDIS_URL: `redis://127.0.0.1:${ports.EMBEDDED_REDIS_PORT}` }
          : {}),
      });
      const exit = await Promise.race([service.exited, new Promise<undefined>((r) => setTimeout(r, 40_000))]);
      service.kill();
      expect(exit, service.output()).toBeDefined();
      expect(exit!.code).toBe(1);
      const lines = service.output().trim().split("\n");
      expect(lines, service.output()).toHaveLength(1);
      expect(lines[0]).toContain(`${ports[setting]} (${setting})`);
      expect(lines[0]).toContain(`set ${setting}`);
      expect(lines[0]).not.toMatch(/\bat .*:\d+/);
      expect(processesMatching(`127.0.0.1:${ports.EMBEDDED_REDIS_PORT}`)).toEqual([]);
      expect(processesMatching(`remote-debugging-port=${ports.BROWSER_DEBUG_PORT}`)).toEqual([]);
      for (const [name, port] of Object.entries(ports)) {
        if (name !== setting) expect(await portIsFree(port), `${name} ${port} free`).toBe(true);
      }
    } finally {
      await taken.close();
    }
  });
});
