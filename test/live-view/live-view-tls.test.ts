import { rmSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessionStore } from "../../src/browser-login/sessions/session-store.ts";
import { DEMO_USER } from "../../src/demo/demo-site.ts";
import { freePort } from "../helpers/free-port.ts";
import { startSecondApi } from "../helpers/second-api.ts";
import type { ServiceProcess } from "../helpers/service-process.ts";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { makeTestCertificates, type TestCertificates } from "../helpers/test-certificates.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { spawnWorker, stopWorkerProcess, type WorkerProcess } from "../helpers/worker-process.ts";
import { logInThroughViewer, startViewers, type Viewers, waitForPicture } from "./viewer-driver.ts";

/** This machine's own address on a network (not loopback), when it has one: a "worker on another host". */
const networkAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === "IPv4" && !a.internal)?.address;

const tokenOf = (liveViewUrl: string) => new URL(liveViewUrl).pathname.split("/")[2]!;

/**
 * Workers on other machines: the API-to-worker hop of the live view carries the user's keystrokes,
 * so it can run over TLS (the worker's certificate, checked by the API against the operator's CA),
 * and an API can refuse to relay over plain ws:// beyond loopback.
 */
describe("live view between API and worker over TLS", () => {
  let certs: TestCertificates;
  let stack: TestStack;
  let redis: Redis;
  /** An API on the same Redis that was not given the CA. */
  let untrusting: { baseUrl: string; process: ServiceProcess };
  let worker: WorkerProcess | undefined;
  let workerDebugPort: number;
  let viewers: Viewers;
  const open = (url: string) => viewers.open(url);

  beforeAll(async () => {
    certs = makeTestCertificates(["IP:127.0.0.1", "DNS:localhost"]);
    // The stack's API trusts the CA and relays over TLS only (or on loopback).
    stack = await startTestStack({
      withWorker: false,
      scriptedUser: false,
      env: { LIVE_VIEW_TLS_CA: certs.ca, LIVE_VIEW_REQUIRE_TLS: "true" },
    });
    workerDebugPort = await freePort();
    [worker, untrusting] = await Promise.all([
      spawnWorker(stack, {
        LIVE_VIEW_TLS_CERT: certs.cert,
        LIVE_VIEW_TLS_KEY: certs.key,
        BROWSER_DEBUG_PORT: String(workerDebugPort),
      }),
      startSecondApi(stack),
    ]);
    redis = new Redis(stack.redis.url);
    viewers = await startViewers();
  }, 90_000);
  afterAll(async () => {
    await viewers?.close();
    redis?.disconnect();
    untrusting?.process.kill();
    if (worker) await stopWorkerProcess(worker, workerDebugPort);
    await stack?.close();
    if (certs) rmSync(certs.dir, { recursive: true, force: true });
  });

  async function liveViewAddress(sessionId: string) {
    return (await createSessionStore(redis, { retentionSeconds: 600 }).get(sessionId))!.liveViewAddress!;
  }

  it("logs in through the view to completed, the worker's hop on wss:// checked against the operator's CA", async () => {
    const { sessionId, started } = await startTagged(stack, "demo");
    const address = await liveViewAddress(sessionId);
    expect(address).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    // The worker's port speaks TLS only: nothing crosses it in clear.
    await expect(fetch(address.replace(/^wss:/, "http:"))).rejects.toThrow();

    const viewer = await open(started.liveViewUrl!);
    await waitForPicture(viewer);
    await logInThroughViewer(viewer, stack.site.loginUrl);
    const done = await waitForStatus(stack, sessionId, "completed");
    expect(done.lastLoginRejection).toBeUndefined();
    await waitFor(async () => (await viewer.statusText()).includes("You are logged in"), { what: "success message" });
    // What the person typed crossed the hop encrypted, and no log holds it.
    for (const log of [stack.log.text(), worker!.output()]) expect(log).not.toContain(DEMO_USER.password);
  }, 60_000);

  it("an API that does not trust the worker's certificate refuses it: the viewer is told, sees no frame, and the session carries on", async () => {
    const { sessionId, started } = await startTagged(stack, "demo");
    const refused = await open(started.liveViewUrl!.replace(stack.baseUrl, untrusting.baseUrl));
    const socket = await refused.socket;
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    await waitFor(async () => /stopped responding/.test(await refused.statusText()), {
      what: "the unreachable-worker message",
    });
    await closed;
    expect(refused.frames()).toBe(0);
    // Its log says why (the certificate), and names the session, never the link's token.
    await untrusting.process.waitForOutput("cannot reach the worker");
    const line = untrusting.process
      .output()
      .split("\n")
      .find((l) => l.includes("cannot reach the worker"))!;
    expect(line).toMatch(/certificate/);
    expect(line).toContain(sessionId);
    expect(untrusting.process.output()).not.toContain(tokenOf(started.liveViewUrl!));

    // Nothing hangs: the session still shows through the API that trusts the CA, and ends when cancelled.
    expect((await stack.api("GET", `/browser-login/${sessionId}`)).body.status).toBe("awaiting_login");
    await waitForPicture(await open(started.liveViewUrl!));
    expect((await stack.api("POST", `/browser-login/${sessionId}/cancel`)).status).toBe(200);
    await waitForStatus(stack, sessionId, "cancelled");
  }, 60_000);

  it.skipIf(!networkAddress)(
    "LIVE_VIEW_REQUIRE_TLS: the API does not relay to a plain ws:// worker on another address",
    async () => {
      // The TLS worker goes; a plain one listens on this machine's network address instead.
      worker!.child.kill("SIGTERM");
      await worker!.exited;
      worker = await spawnWorker(stack, {
        LIVE_VIEW_HOST: networkAddress!,
        BROWSER_DEBUG_PORT: String(workerDebugPort),
      });
      const { sessionId, started } = await startTagged(stack, "demo");
      expect(await liveViewAddress(sessionId)).toMatch(
        new RegExp(`^ws://${networkAddress!.replaceAll(".", "\\.")}:\\d+$`),
      );

      const refused = await open(started.liveViewUrl!);
      await waitFor(async () => /stopped responding/.test(await refused.statusText()), {
        what: "the unreachable-worker message",
      });
      expect(refused.frames()).toBe(0);
      const line = stack.log
        .text()
        .split("\n")
        .find((l) => l.includes("not relaying to the worker"))!;
      expect(line).toMatch(/LIVE_VIEW_REQUIRE_TLS/);
      expect(line).toContain(sessionId);
      expect(stack.log.text()).not.toContain(tokenOf(started.liveViewUrl!));

      // The worker itself is fine: an API without the requirement shows the session.
      await waitForPicture(await open(started.liveViewUrl!.replace(stack.baseUrl, untrusting.baseUrl)));
      expect((await stack.api("POST", `/browser-login/${sessionId}/cancel`)).status).toBe(200);
      await waitForStatus(stack, sessionId, "cancelled");
    },
    90_000,
  );

  it("a worker given a certificate without its key, or one that does not name its address, does not start", async () => {
    /** What the worker printed when it refused to start ("started" when it did, and was stopped again). */
    const refusal = (env: Record<string, string>) =>
      spawnWorker(stack, env).then(
        async (started) => {
          started.child.kill("SIGTERM");
          await started.exited;
          return "started";
        },
        (error: Error) => error.message,
      );
    expect(await refusal({ LIVE_VIEW_TLS_CERT: certs.cert })).toMatch(
      /required with LIVE_VIEW_TLS_CERT[^\n]*\n.*at LIVE_VIEW_TLS_KEY/,
    );
    expect(await refusal({ LIVE_VIEW_TLS_CERT: certs.cert, LIVE_VIEW_TLS_KEY: `${certs.dir}/missing.key` })).toMatch(
      /cannot read .*missing\.key \(ENOENT\)/,
    );
    expect(
      await refusal({
        LIVE_VIEW_TLS_CERT: certs.cert,
        LIVE_VIEW_TLS_KEY: certs.key,
        LIVE_VIEW_ADVERTISE_HOST: "worker-2.internal",
      }),
    ).toMatch(/does not name worker-2\.internal/);
  }, 30_000);
});
