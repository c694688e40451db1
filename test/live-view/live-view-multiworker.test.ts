import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessionStore } from "../../src/browser-login/sessions/session-store.ts";
import { freePort } from "../helpers/free-port.ts";
import { startSecondApi } from "../helpers/second-api.ts";
import type { ServiceProcess } from "../helpers/service-process.ts";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { chromiumProcesses, spawnWorker, stopWorkerProcess, type WorkerProcess } from "../helpers/worker-process.ts";
import { logInThroughViewer, startViewers, type Viewers, waitForPicture } from "./viewer-driver.ts";

/**
 * Issue 7 as deployed: two API processes and two worker processes share one Redis. A person only
 * ever talks to an API; the API finds the worker holding the session from the session record and
 * relays the stream. Killing one worker cuts off only its own sessions' viewers.
 */
describe("live view with two workers and two APIs on one Redis", () => {
  let stack: TestStack;
  let api2: { baseUrl: string; process: ServiceProcess };
  const workers: { process: WorkerProcess; debugPort: number }[] = [];
  let redis: Redis;
  let viewers: Viewers;

  beforeAll(async () => {
    // The in-process API reaps often, so a killed worker's session ends soon after its lease lapses.
    stack = await startTestStack({ withWorker: false, scriptedUser: false, env: { REAP_INTERVAL_MS: "300" } });
    const debugPorts = [await freePort(), await freePort()];
    // Two sessions each at most: four sessions are then two on each worker, whichever takes them.
    const spawned = debugPorts.map((debugPort) =>
      spawnWorker(stack, {
        WORKER_CONCURRENCY: "2",
        WORKER_LEASE_MS: "2000",
        BROWSER_DEBUG_PORT: String(debugPort),
      }).then((process) => ({ process, debugPort })),
    );
    [api2] = await Promise.all([startSecondApi(stack), ...spawned.map((p) => p.then((w) => void workers.push(w)))]);
    workers.sort((a, b) => debugPorts.indexOf(a.debugPort) - debugPorts.indexOf(b.debugPort));
    redis = new Redis(stack.redis.url);
    viewers = await startViewers();
  }, 90_000);
  afterAll(async () => {
    await viewers?.close();
    redis?.disconnect();
    api2?.process.kill();
    for (const { process: worker, debugPort } of workers) await stopWorkerProcess(worker, debugPort);
    await stack?.close();
  });

  it("relays each session from the worker holding it, through either API; a killed worker ends only its own viewers", async () => {
    const sessions = createSessionStore(redis, { retentionSeconds: 600 });
    const addresses = workers.map(
      ({ process: worker }) => /"address":"(ws:\/\/[^"]+)"[^\n]*live view listening/.exec(worker.output())?.[1],
    );
    expect(addresses[0]).toBeDefined();
    expect(addresses[1]).toBeDefined();
    expect(addresses[0]).not.toBe(addresses[1]);

    // Sessions until each worker holds two; which worker holds one is on its record, as the API reads it.
    const held = new Map<string, { sessionId: string; liveViewUrl: string }[]>(addresses.map((a) => [a!, []]));
    for (let n = 0; n < 4; n++) {
      const { sessionId, started } = await startTagged(stack, "demo");
      expect(started.status).toBe("awaiting_login");
      const address = (await sessions.get(sessionId))!.liveViewAddress!;
      held.get(address)!.push({ sessionId, liveViewUrl: started.liveViewUrl! });
    }
    const [onFirst, onSecond] = addresses.map((a) => held.get(a!)!);
    expect(onFirst!.length).toBe(2);
    expect(onSecond!.length).toBe(2);

    // The links name the first API; the second serves the same path (it shares only Redis).
    const viaSecondApi = (url: string) => url.replace(stack.baseUrl, api2.baseUrl);
    const open = (url: string) => viewers.open(url);
    const [loginOnFirst, liveOnFirst] = onFirst!;
    const [loginOnSecond, liveOnSecond] = onSecond!;
    const view = {
      loginOnFirst: await open(loginOnFirst!.liveViewUrl),
      loginOnSecond: await open(viaSecondApi(loginOnSecond!.liveViewUrl)),
      liveOnFirst: await open(liveOnFirst!.liveViewUrl),
      liveOnSecond: await open(viaSecondApi(liveOnSecond!.liveViewUrl)),
      liveOnSecondWatcher: await open(liveOnSecond!.liveViewUrl),
    };
    for (const viewer of Object.values(view)) await waitForPicture(viewer);

    // One session on each worker logs in through its viewer, one via each API.
    await logInThroughViewer(view.loginOnFirst, stack.site.loginUrl);
    await logInThroughViewer(view.loginOnSecond, stack.site.loginUrl);
    for (const [sessionId, viewer] of [
      [loginOnFirst!.sessionId, view.loginOnFirst],
      [loginOnSecond!.sessionId, view.loginOnSecond],
    ] as const) {
      // Two workers, two APIs and three browsers share two cores here: the deadline allows for a busy machine.
      const done = await waitForStatus(stack, sessionId, "completed", { timeoutMs: 30_000 });
      expect(done.lastLoginRejection).toBeUndefined();
      await waitFor(async () => (await viewer.statusText()).includes("You are logged in"), {
        what: `success message for ${sessionId}`,
      });
    }

    // The first worker dies without a word.
    const killed = workers[0]!.process;
    killed.child.kill("SIGKILL");
    await killed.exited;
    await waitFor(async () => /stopped responding/.test(await view.liveOnFirst.statusText()), {
      what: "worker-lost message on its session's viewer",
    });
    const framesAtLoss = view.liveOnFirst.frames();
    // Its Chromium goes with it (its pipe to the worker closed): nothing is left running.
    await waitFor(() => chromiumProcesses(workers[0]!.debugPort).length === 0, {
      what: "the killed worker's Chromium gone",
    });
    // The session ends (the lease lapses and the reaper ends it); its link is then refused with words.
    const ended = await waitForStatus(stack, liveOnFirst!.sessionId, "failed", { timeoutMs: 15_000 });
    expect(ended.error?.code).toBe("worker_lost");
    const reopened = await open(liveOnFirst!.liveViewUrl);
    await waitFor(async () => /no longer valid|ended/.test(await reopened.statusText()), {
      what: "refusal of the ended session's link",
    });
    expect(reopened.frames()).toBe(0);
    expect(view.liveOnFirst.frames()).toBe(framesAtLoss);

    // The other worker's viewers did not notice: still showing the page, still taking input.
    for (const viewer of [view.liveOnSecond, view.liveOnSecondWatcher]) expect(await viewer.statusText()).toBe("");
    await logInThroughViewer(view.liveOnSecond, stack.site.loginUrl);
    const done = await waitForStatus(stack, liveOnSecond!.sessionId, "completed");
    expect(done.lastLoginRejection).toBeUndefined();
    for (const viewer of [view.liveOnSecond, view.liveOnSecondWatcher]) {
      await waitFor(async () => (await viewer.statusText()).includes("You are logged in"), {
        what: "success on both viewers of the surviving session",
      });
    }

    // A session started now goes to the surviving worker; a revoke on one API cuts off a viewer on the other.
    const late = await startTagged(stack, "demo");
    expect((await sessions.get(late.sessionId))!.liveViewAddress).toBe(addresses[1]);
    const lateViewer = await open(viaSecondApi(late.started.liveViewUrl!));
    await waitForPicture(lateViewer);
    const socket = await lateViewer.socket;
    const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now())));
    const before = Date.now();
    expect((await stack.api("POST", `/browser-login/${late.sessionId}/live-view/revoke`)).status).toBe(200);
    expect((await closed) - before).toBeLessThan(1_000);
    await waitFor(async () => /revoked/.test(await lateViewer.statusText()), {
      what: "revoked message on the other API's viewer",
    });
    await stack.api("POST", `/browser-login/${late.sessionId}/cancel`);
  }, 120_000);
});
