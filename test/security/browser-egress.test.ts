import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalPlaywrightAdapter } from "../../src/browser/local-playwright/local-playwright-adapter.ts";
import { createLoginQueue } from "../../src/browser-login/login-queue.ts";
import type { SessionRecord } from "../../src/browser-login/sessions/session-record.ts";
import { createSessionStore } from "../../src/browser-login/sessions/session-store.ts";
import { connectScriptedUser, type ScriptedUser } from "../../src/demo/scripted-user.ts";
import { createAddressPolicy } from "../../src/network/address-policy.ts";
import { startFixtureSite } from "../fixtures/fixture-site.ts";
import { waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { spawnWorker, stopWorkerProcess, type WorkerProcess } from "../helpers/worker-process.ts";

/**
 * A client-URL session whose login page reaches for a private address every way a page can. Tests
 * have only loopback, so the operator's exception list plays the public internet: the fixture's app
 * and SSO (host:port) may be reached, while another loopback port stands for the private target.
 */
describe("a client-URL session's browser goes only where the address policy allows", () => {
  let stack: TestStack;
  let target: Server;
  let targetPort: number;
  let connections = 0;

  beforeAll(async () => {
    target = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    targetPort = (target.address() as AddressInfo).port;
    stack = await startTestStack({
      env: (site) => ({
        CLIENT_LOGIN_URL_HOSTS: "localhost",
        ALLOW_PRIVATE_LOGIN_URLS: "false",
        ALLOW_PRIVATE_LOGIN_URL_HOSTS: `${new URL(site.appOrigin).host},${new URL(site.ssoOrigin).host}`,
      }),
    });
  });
  afterAll(async () => {
    await stack?.close();
    await new Promise((resolve) => target?.close(resolve));
  });

  it("refuses every request to a private address, records it, and the login still completes", async () => {
    const tag = `egress-${Date.now()}`;
    const probe = `http://127.0.0.1:${targetPort}/internal?token=secret-probe-token`;
    const loginUrl = `${stack.site.appOrigin}/login?tag=${tag}&probe=${encodeURIComponent(probe)}`;
    const started = await stack.api("POST", "/browser-login/start?wait=10000", {
      body: { providerId: "demo", loginUrl },
    });
    expect(started.status).toBe(202);
    const sessionId = started.body.sessionId as string;

    // Image, fetch, WebSocket (a CONNECT tunnel) and the frame's redirect: each one refused and logged
    // (Chromium's own background requests may be refused too, so the log is searched for the target).
    const target = `"host":"127.0.0.1:${targetPort}"`;
    const blocked = () =>
      stack.log
        .text()
        .split("\n")
        .filter((line) => line.includes("request blocked") && line.includes(target));
    await waitFor(() => blocked().length >= 4, {
      timeoutMs: 30_000,
      what: () =>
        `four blocked requests to the private target (seen: ${blocked().length}; the session's lines: ${stack.log
          .text()
          .split("\n")
          .filter((l) => l.includes(sessionId))
          .slice(-8)
          .join(" | ")})`,
    });
    const line = stack.log
      .text()
      .split("\n")
      .find((l) => l.includes("request blocked") && l.includes(target))!;
    expect(JSON.parse(line)).toMatchObject({
      sessionId,
      reason: expect.stringContaining("private address (loopback)"),
    });
    const status = (await stack.api("GET", `/browser-login/${sessionId}`)).body;
    expect(status.lastBlockedRequest).toMatchObject({
      at: expect.any(String),
      host: expect.any(String),
      count: expect.any(Number),
    });
    expect(status.lastBlockedRequest.count).toBeGreaterThanOrEqual(4);

    const page = await stack.user.findPage((u) => u.includes(tag));
    // The frame sent to the private address by a redirect shows the proxy's refusal.
    const frame = page.frames().find((f) => f !== page.mainFrame());
    await waitFor(
      async () => ((await frame?.content().catch(() => "")) ?? "").includes("Request blocked") || undefined,
      { what: "the refusal in the frame" },
    );

    await stack.user.logIn(page);
    const done = await waitForStatus(stack, sessionId, "completed");
    expect(connections).toBe(0);

    // No provider origins: only the allowlisted host's state is kept (the SSO on 127.0.0.1 is not on it).
    const state = (await stack.api("GET", `/credentials/${done.credentialId}/storage-state`)).body.storageState;
    expect(state.cookies.map((c: { name: string }) => c.name).sort()).toEqual(["session", "theme"]);
    expect(state.origins.map((o: { origin: string }) => o.origin)).toEqual([stack.site.appOrigin]);
    expect(stack.log.text()).not.toContain("secret-probe-token");
  });

  it("leaves provider sessions (the operator's own URL) as they were: nothing blocked, nothing recorded", async () => {
    const started = await stack.api("POST", "/browser-login/start?wait=10000", { body: { providerId: "demo" } });
    expect(started.body.status).toBe("awaiting_login");
    const page = await stack.user.findPage((u) => u.startsWith(stack.site.loginUrl) && !u.includes("tag="));
    await stack.user.logIn(page);
    const done = await waitForStatus(stack, started.body.sessionId, "completed");
    expect(done.lastBlockedRequest).toBeUndefined();
  });
});

/**
 * Docker Compose sets CLIENT_LOGIN_URLS and its companions on the API only. The session carries the
 * rules the API checked its URL against, so a worker process started without them (as Compose
 * starts it) still puts the browser behind the egress proxy and filters the capture; and a worker
 * handed a client-URL session without its rules refuses to run it.
 */
describe("a worker without the client login URL settings enforces the rules each session carries", () => {
  let stack: TestStack;
  let worker: WorkerProcess;
  let user: ScriptedUser;
  let target: Server;
  let targetPort: number;
  let connections = 0;

  beforeAll(async () => {
    target = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    targetPort = (target.address() as AddressInfo).port;
    stack = await startTestStack({
      withWorker: false,
      env: (site) => ({
        CLIENT_LOGIN_URL_HOSTS: "localhost",
        ALLOW_PRIVATE_LOGIN_URLS: "false",
        ALLOW_PRIVATE_LOGIN_URL_HOSTS: `${new URL(site.appOrigin).host},${new URL(site.ssoOrigin).host}`,
      }),
    });
    // The worker's own settings say nothing of client login URLs (Compose's default): off, no hosts.
    worker = await spawnWorker(stack, {
      CLIENT_LOGIN_URLS: "false",
      CLIENT_LOGIN_URL_HOSTS: "",
      ALLOW_PRIVATE_LOGIN_URLS: "false",
      ALLOW_PRIVATE_LOGIN_URL_HOSTS: "",
    });
    user = await connectScriptedUser(`http://127.0.0.1:${stack.debugPort}`);
  });
  afterAll(async () => {
    await user?.disconnect();
    if (worker) await stopWorkerProcess(worker, stack.debugPort);
    await stack?.close();
    await new Promise((resolve) => target?.close(resolve));
  });

  it("refuses the page's requests to a private address and keeps only the allowlisted host's state", async () => {
    const tag = `compose-${Date.now()}`;
    const probe = `http://127.0.0.1:${targetPort}/internal`;
    const loginUrl = `${stack.site.appOrigin}/login?tag=${tag}&probe=${encodeURIComponent(probe)}`;
    const started = await stack.api("POST", "/browser-login/start?wait=10000", {
      body: { providerId: "demo", loginUrl },
    });
    expect(started.status).toBe(202);
    const sessionId = started.body.sessionId as string;
    const status = await waitFor(
      async () => {
        const current = (await stack.api("GET", `/browser-login/${sessionId}`)).body;
        return current.lastBlockedRequest?.count >= 1 ? current : undefined;
      },
      {
        timeoutMs: 30_000,
        what: () => `a blocked request on the session (worker output: ${worker.output().slice(-800)})`,
      },
    );
    expect(status.lastBlockedRequest.host).toBeTruthy();
    expect(worker.output()).toContain(`"host":"127.0.0.1:${targetPort}"`);

    const page = await user.findPage((u) => u.includes(tag));
    await user.logIn(page);
    const done = await waitForStatus(stack, sessionId, "completed", { timeoutMs: 30_000 });
    expect(connections).toBe(0);
    const state = (await stack.api("GET", `/credentials/${done.credentialId}/storage-state`)).body.storageState;
    // The SSO on 127.0.0.1 is not on the API's CLIENT_LOGIN_URL_HOSTS: its state is left behind.
    expect(state.origins.map((o: { origin: string }) => o.origin)).toEqual([stack.site.appOrigin]);
  });

  it("fails a client-URL session that came without its rules, with a code that says so", async () => {
    // As an API of an older version would queue it: a client's URL, no rules.
    const redis = new Redis(stack.redis.url);
    const queue = createLoginQueue(redis, stack.config.REDIS_PREFIX);
    try {
      const sessions = createSessionStore(redis, { prefix: stack.config.REDIS_PREFIX, retentionSeconds: 60 });
      const now = Date.now();
      const record: SessionRecord = {
        id: `ls_${randomUUID().replaceAll("-", "")}`,
        owner: { userId: "user-1" },
        providerId: "demo",
        loginUrl: `${stack.site.appOrigin}/login?tag=no-rules`,
        status: "queued",
        liveViewUrl: null,
        createdAt: new Date(now).toISOString(),
        updatedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 60_000).toISOString(),
        timeline: { queued: new Date(now).toISOString() },
        metadata: {},
      };
      await sessions.create(record, now + 60_000);
      await queue.add("login", { sessionId: record.id }, { jobId: record.id });
      const failed = await waitForStatus(stack, record.id, "failed", { timeoutMs: 30_000 });
      expect(failed.error?.code).toBe("login_url_policy_missing");
      expect(failed.timeline.awaiting_login).toBeUndefined();
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});

describe("the egress proxy of a local session", () => {
  const listening = () => process.getActiveResourcesInfo().filter((r) => r === "TCPServerWrap").length;

  it("listens while its session is open and closes with it, also when the login page is refused", async () => {
    const site = await startFixtureSite();
    const adapter = createLocalPlaywrightAdapter({ headless: true, spareContexts: 0 });
    try {
      await adapter.warmUp();
      const policy = createAddressPolicy({
        allowPrivateAddresses: false,
        privateAllowedFor: [new URL(site.appOrigin).host],
      });
      const blocked: string[] = [];
      const egress = { policy, onBlocked: (b: { host: string }) => blocked.push(b.host) };
      const before = listening();

      const session = await adapter.openSession({
        sessionId: "egress-open",
        loginUrl: site.loginUrl,
        timeoutMs: 30_000,
        egress,
      });
      expect(listening()).toBe(before + 1);
      await session.close();
      await waitFor(() => listening() === before, { what: "the proxy to close with its session" });

      // The login page itself refused (say its name now resolves to a private address): the tab shows
      // the refusal, the session records it, and the proxy still goes away with the session.
      const refused = await adapter.openSession({
        sessionId: "egress-refused",
        loginUrl: `${site.ssoOrigin}/`,
        timeoutMs: 30_000,
        egress,
      });
      expect(blocked).toContain(new URL(site.ssoOrigin).host);
      expect(listening()).toBe(before + 1);
      await refused.close();
      await waitFor(() => listening() === before, { what: "the second proxy to close with its session" });
    } finally {
      await adapter.close();
      await site.close();
    }
  });
});
