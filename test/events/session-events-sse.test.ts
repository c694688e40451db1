import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { startSecondApi } from "../helpers/second-api.ts";
import type { ServiceProcess } from "../helpers/service-process.ts";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { openSse, type SseEvent } from "../helpers/sse-client.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

describe("Server-Sent Events, fed by the event log in Redis, through two API processes", () => {
  let stack: TestStack;
  let second: { baseUrl: string; process: ServiceProcess };
  const headers = (subject = "user-1", extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${stack.apiKey}`,
    "x-subject-user-id": subject,
    ...extra,
  });
  const seen: SseEvent[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ env: { SSE_HEARTBEAT_MS: "200" } });
    second = await startSecondApi(stack, { SSE_HEARTBEAT_MS: "200" });
  });
  afterAll(async () => {
    second?.process.kill();
    await stack?.close();
  });

  it("streams every status change in order, and resumes on another API process after a dropped connection", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo");
    const first = await openSse(`${stack.baseUrl}/browser-login/${sessionId}/events`, headers());
    expect(first.status).toBe(200);
    const before = await first.waitForEvents(3);
    expect(before.map((e) => e.event)).toEqual(["session.queued", "session.starting", "session.awaiting_login"]);
    expect(before.map((e) => JSON.parse(e.data).status)).toEqual(["queued", "starting", "awaiting_login"]);
    first.drop();

    // Everything after awaiting_login happens while no client listens.
    const page = await stack.user.findPage((u) => u.includes(tag));
    await stack.user.logIn(page);
    const done = await waitForStatus(stack, sessionId, "completed");

    const resumed = await openSse(
      `${second.baseUrl}/browser-login/${sessionId}/events`,
      headers("user-1", { "last-event-id": before[2]!.id! }),
    );
    await resumed.waitForEnd();
    expect(resumed.events.map((e) => e.event)).toEqual([
      "session.authenticated",
      "session.capturing",
      "session.completed",
    ]);
    const ids = [...before, ...resumed.events].map((e) => e.id!);
    const order = (id: string) => id.split("-").map(Number) as [number, number];
    expect([...ids].sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1])).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // The final event carries exactly what GET /browser-login/:id answers.
    expect(JSON.parse(resumed.events.at(-1)!.data)).toEqual(done);
    seen.push(...before, ...resumed.events);

    // Resuming after the final event: nothing more will come, and the client is told to stop.
    const after = await fetch(`${second.baseUrl}/browser-login/${sessionId}/events`, {
      headers: headers("user-1", { "last-event-id": ids.at(-1)! }),
    });
    expect(after.status).toBe(204);
    // A new client of a finished session gets its whole history and the end.
    const replay = await openSse(`${stack.baseUrl}/browser-login/${sessionId}/events`, headers());
    await replay.waitForEnd();
    expect(replay.events.map((e) => e.event)).toEqual([...before, ...resumed.events].map((e) => e.event));
  });

  it("streams a turned-down login as session.login_rejected, and the session goes on to complete", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo");
    const client = await openSse(`${second.baseUrl}/browser-login/${sessionId}/events`, headers());
    await client.waitForEvents(3);
    const page = await stack.user.findPage((u) => u.includes(tag));
    await stack.user.logIn(page, { username: "alice", password: "wrong" });
    const [, , , rejected] = await client.waitForEvents(4);
    expect(rejected!.event).toBe("session.login_rejected");
    expect(JSON.parse(rejected!.data)).toMatchObject({ status: "awaiting_login", lastLoginRejection: { count: 1 } });
    await stack.user.logIn(await stack.user.findPage((u) => u.includes("/login")));
    await client.waitForEnd();
    expect(client.events.slice(4).map((e) => e.event)).toEqual([
      "session.authenticated",
      "session.capturing",
      "session.completed",
    ]);
    seen.push(...client.events);
  });

  it("answers 410 for a Last-Event-ID older than the retention window, 400 for a malformed one, 404 for another subject's session", async () => {
    const { sessionId } = await startTagged(stack, "demo-short", { wait: 0 });
    const old = await fetch(`${second.baseUrl}/browser-login/${sessionId}/events`, {
      headers: headers("user-1", { "last-event-id": "1000-0" }),
    });
    expect(old.status).toBe(410);
    expect((await old.json()).error.code).toBe("events_expired");
    const oldAll = await fetch(`${second.baseUrl}/events`, {
      headers: headers("user-1", { "last-event-id": "1000-0" }),
    });
    expect(oldAll.status).toBe(410);
    const bad = await fetch(`${second.baseUrl}/browser-login/${sessionId}/events`, {
      headers: headers("user-1", { "last-event-id": "yesterday" }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("invalid_id");
    const other = await fetch(`${second.baseUrl}/browser-login/${sessionId}/events`, { headers: headers("user-2") });
    expect(other.status).toBe(404);
    await stack.api("POST", `/browser-login/${sessionId}/cancel`);
  });

  it("streams a subject's session and credential events on /events, and only theirs, with heartbeats", async () => {
    const mine = await openSse(`${second.baseUrl}/events`, headers("user-1"));
    const theirs = await openSse(`${second.baseUrl}/events`, headers("user-2"));
    expect(mine.status).toBe(200);
    const { tag, sessionId } = await startTagged(stack, "demo");
    const page = await stack.user.findPage((u) => u.includes(tag));
    await stack.user.logIn(page);
    const done = await waitForStatus(stack, sessionId, "completed");
    await stack.api("DELETE", `/credentials/${done.credentialId}`);

    const other = await startTagged(stack, "demo", { subject: "user-2", wait: 0 });
    await stack.api("POST", `/browser-login/${other.sessionId}/cancel`, { subject: "user-2" });

    const types = (client: typeof mine) => client.events.map((e) => e.event);
    await mine.waitForEvents(8);
    expect(types(mine)).toEqual([
      "session.queued",
      "session.starting",
      "session.awaiting_login",
      "session.authenticated",
      "session.capturing",
      "credential.created",
      "session.completed",
      "credential.deleted",
    ]);
    const created = JSON.parse(mine.events[5]!.data);
    expect(created).toMatchObject({
      type: "credential.created",
      data: { id: done.credentialId, sessionId, providerId: "demo" },
    });
    expect(JSON.parse(mine.events[6]!.data).data).toEqual(done);

    // The worker may have picked the session up before the cancel.
    await waitFor(() => types(theirs).includes("session.cancelled"), { what: "user-2's cancel" });
    expect(types(theirs)[0]).toBe("session.queued");
    expect(types(theirs).at(-1)).toBe("session.cancelled");
    expect(theirs.events.every((e) => JSON.parse(e.data).data.sessionId === other.sessionId)).toBe(true);
    expect(mine.events.some((e) => e.data.includes(other.sessionId))).toBe(false);
    expect(mine.comments).toContain("heartbeat");
    seen.push(...mine.events, ...theirs.events);
    mine.drop();
    theirs.drop();
  });

  it("puts no captured secret in an event body or anywhere in Redis", async () => {
    const secrets = stack.site.issuedSecrets().filter((s) => !s.startsWith("grant-"));
    expect(secrets.length).toBeGreaterThan(5);
    const redisText = await dumpRedis(stack.redis.url);
    expect(redisText).toContain(":session-events:");
    const eventText = JSON.stringify(seen);
    expect(seen.length).toBeGreaterThan(10);
    for (const secret of [...secrets, stack.apiKey, stack.config.ENCRYPTION_KEYS!.split(":")[1]!]) {
      expect(redisText.includes(secret), `secret ${secret.slice(0, 8)}… in Redis`).toBe(false);
      expect(eventText.includes(secret), `secret ${secret.slice(0, 8)}… in an event`).toBe(false);
    }
  });
});
