import { afterEach, describe, expect, it } from "vitest";
import { startEmbeddedRedis } from "../../src/core/redis/embedded-redis.ts";
import { connectScriptedUser } from "../../src/demo/scripted-user.ts";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { chromiumProcesses, spawnWorker } from "../helpers/worker-process.ts";

/** Every session ends: crash, shutdown and a Redis restart each leave clear states and no browser behind. */
describe("resilience", () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it("a worker killed with SIGKILL mid-session: the session fails as worker_lost, the API keeps serving, no Chromium remains", async () => {
    // Short lease and reap interval (production: 15 s and 5 s), so that the test does not wait them out.
    const timers = { WORKER_LEASE_MS: "2000", REAP_INTERVAL_MS: "250" };
    stack = await startTestStack({ withWorker: false, env: timers });
    const worker = await spawnWorker(stack, timers);
    const { sessionId } = await startTagged(stack, "demo");
    expect(chromiumProcesses(stack.debugPort).length).toBeGreaterThan(0);

    const killedAt = Date.now();
    worker.child.kill("SIGKILL");
    await worker.exited;
    expect((await stack.api("GET", `/browser-login/${sessionId}`)).body.status).toBe("awaiting_login");
    const failed = await waitForStatus(stack, sessionId, "failed", { timeoutMs: 15_000 });
    const detectedMs = Date.now() - killedAt;
    expect(failed.error!.code).toBe("worker_lost");
    expect(detectedMs).toBeLessThan(15_000);
    expect((await fetch(`${stack.baseUrl}/readyz`)).status).toBe(200);
    await waitFor(() => chromiumProcesses(stack!.debugPort).length === 0, {
      timeoutMs: 10_000,
      what: "Chromium gone after the worker was killed",
    });
  });

  it("SIGTERM drains: waiting sessions end as worker_shutdown, the worker exits, no Chromium remains", async () => {
    stack = await startTestStack({ withWorker: false });
    const worker = await spawnWorker(stack, { SHUTDOWN_GRACE_MS: "3000" });
    const a = await startTagged(stack, "demo");
    const b = await startTagged(stack, "demo-spa");
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    for (const { sessionId } of [a, b]) {
      const ended = await waitForStatus(stack, sessionId, "failed", { timeoutMs: 5_000 });
      expect(ended.error!.code).toBe("worker_shutdown");
    }
    expect(chromiumProcesses(stack.debugPort)).toEqual([]);
    expect(worker.output()).toContain("worker stopped");
  });

  it("Redis restarted mid-session: the API answers 503 meanwhile, then the login completes", async () => {
    stack = await startTestStack();
    const { tag, sessionId } = await startTagged(stack, "demo");
    const { port, dir } = stack.redis;
    await stack.redis.stop();

    const during = await stack.api("GET", `/browser-login/${sessionId}`);
    expect(during.status).toBe(503);
    expect(during.body.error.code).toBe("storage_unavailable");
    expect((await fetch(`${stack.baseUrl}/readyz`)).status).toBe(503);

    const restarted = await startEmbeddedRedis({ port, dir });
    stack.redis = restarted;
    await waitFor(async () => (await fetch(`${stack!.baseUrl}/readyz`)).status === 200, { what: "API ready again" });
    expect((await stack.api("GET", `/browser-login/${sessionId}`)).body.status).toBe("awaiting_login");

    await stack.user.logIn(await stack.user.findPage((u) => u.includes(tag)));
    const done = await waitForStatus(stack, sessionId, "completed", { timeoutMs: 20_000 });
    expect((await stack.api("GET", `/credentials/${done.credentialId}/storage-state`)).status).toBe(200);
  });

  it("Chromium crashing mid-session fails the session clearly, and the next session gets a new browser", async () => {
    stack = await startTestStack();
    const { sessionId } = await startTagged(stack, "demo");
    const [browserPid] = chromiumProcesses(stack.debugPort).sort((a, b) => a - b);
    process.kill(browserPid!, "SIGKILL");
    const failed = await waitForStatus(stack, sessionId, "failed");
    expect(failed.error!.code).toBe("browser_crashed");

    await stack.user.disconnect();
    const next = await startTagged(stack, "demo-spa");
    stack.user = await connectScriptedUser(`http://127.0.0.1:${stack.debugPort}`);
    await stack.user.logIn(await stack.user.findPage((u) => u.includes(next.tag)));
    await waitForStatus(stack, next.sessionId, "completed");
  });

  it("the scripted user can attach to a worker in another process (sanity for the tests above)", async () => {
    stack = await startTestStack({ withWorker: false });
    const worker = await spawnWorker(stack);
    const user = await connectScriptedUser(`http://127.0.0.1:${stack.debugPort}`);
    try {
      const { tag, sessionId } = await startTagged(stack, "demo");
      await user.logIn(await user.findPage((u) => u.includes(tag)));
      await waitForStatus(stack, sessionId, "completed");
    } finally {
      await user.disconnect();
      worker.child.kill("SIGTERM");
      await worker.exited;
    }
    expect(chromiumProcesses(stack.debugPort)).toEqual([]);
  });
});
