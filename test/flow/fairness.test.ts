import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port.ts";
import { waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { spawnWorker, stopWorkerProcess, type WorkerProcess } from "../helpers/worker-process.ts";

type Session = { sessionId: string; status: string; timeline: Record<string, string> };

/**
 * Two subjects against real workers (one in the test's process, one a process of its own, one slot
 * each): while subject A bursts past the slots, subject B's login is served before A's later ones,
 * as the sessions' timelines show; and with the limits, B does not even wait for one of A's to end.
 */
describe("fair service across subjects", () => {
  let stack: TestStack;
  let otherWorker: WorkerProcess;
  let otherDebugPort: number;

  beforeAll(async () => {
    otherDebugPort = await freePort();
    stack = await startTestStack({
      env: { WORKER_CONCURRENCY: "1", MAX_SESSIONS_PER_SUBJECT: "6", REAP_INTERVAL_MS: "500" },
    });
    otherWorker = await spawnWorker(stack, {
      WORKER_CONCURRENCY: "1",
      BROWSER_DEBUG_PORT: String(otherDebugPort),
    });
  });
  afterAll(async () => {
    if (otherWorker) await stopWorkerProcess(otherWorker, otherDebugPort);
    await stack?.close();
  });

  const start = async (subject: string): Promise<Session> => {
    const res = await stack.api("POST", "/browser-login/start", { subject, body: { providerId: "demo" } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body;
  };
  const get = async (subject: string, id: string): Promise<Session> =>
    (await stack.api("GET", `/browser-login/${id}`, { subject })).body;
  const cancel = (subject: string, id: string) => stack.api("POST", `/browser-login/${id}/cancel`, { subject });

  it("serves B's first session before A's queued ones, however many A queued first", async () => {
    const a: Session[] = [];
    for (let i = 0; i < 5; i++) a.push(await start("burst-a"));
    // A holds both slots; three of A's wait.
    await waitForStatus(stack, a[0]!.sessionId, "awaiting_login", { subject: "burst-a", timeoutMs: 30_000 });
    await waitForStatus(stack, a[1]!.sessionId, "awaiting_login", { subject: "burst-a", timeoutMs: 30_000 });
    const b = await start("first-b");
    expect((await get("first-b", b.sessionId)).status).toBe("queued");

    // One of A's ends: the slot goes to B, not to A's third.
    await cancel("burst-a", a[0]!.sessionId);
    const bLoginPage = await waitForStatus(stack, b.sessionId, "awaiting_login", {
      subject: "first-b",
      timeoutMs: 30_000,
    });
    const aLater = await Promise.all(a.slice(2).map((s) => get("burst-a", s.sessionId)));
    expect(aLater.map((s) => s.status)).toEqual(["queued", "queued", "queued"]);

    // B's turn came before A's later ones, by the timelines: B reached the login page before any of them started.
    await cancel("burst-a", a[1]!.sessionId);
    const aThird = await waitForStatus(stack, a[2]!.sessionId, "awaiting_login", {
      subject: "burst-a",
      timeoutMs: 30_000,
    });
    expect(Date.parse(bLoginPage.timeline.awaiting_login!)).toBeLessThan(Date.parse(aThird.timeline.starting!));
    expect(Date.parse(b.timeline.queued!)).toBeGreaterThan(Date.parse(aThird.timeline.queued!));

    for (const s of [...a.slice(2), b]) await cancel(s === b ? "first-b" : "burst-a", s.sessionId);
  });
});

describe("the limits leave room for others", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ env: { WORKER_CONCURRENCY: "3", MAX_SESSIONS_PER_SUBJECT: "2" } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("B's login starts at once while A loops on start: A gets its share, the rest is refused", async () => {
    const answers = [];
    for (let i = 0; i < 6; i++)
      answers.push(
        await stack.api("POST", "/browser-login/start", { subject: "looper", body: { providerId: "demo" } }),
      );
    expect(answers.map((r) => r.status)).toEqual([202, 202, 429, 429, 429, 429]);
    const held = answers.filter((r) => r.status === 202).map((r) => r.body.sessionId as string);

    const b = await stack.api("POST", "/browser-login/start?wait=10000", {
      subject: "someone",
      body: { providerId: "demo" },
    });
    expect(b.status).toBe(202);
    await waitForStatus(stack, b.body.sessionId, "awaiting_login", { subject: "someone", timeoutMs: 30_000 });
    // B needed none of A's sessions to end.
    for (const id of held)
      expect((await stack.api("GET", `/browser-login/${id}`, { subject: "looper" })).body.status).not.toMatch(
        /cancelled|expired|failed|completed/,
      );
  });
});
