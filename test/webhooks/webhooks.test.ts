import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { startWebhookReceiver, verifyStandardWebhook } from "../helpers/webhook-receiver.ts";

describe("webhooks: signed (Standard Webhooks), queued, retried, logged, replayable", () => {
  let stack: TestStack;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const fileSecret = `whsec_${randomBytes(32).toString("base64")}`;
  const operator = { subject: "" }; // webhook endpoints are the operator's: no subject header
  let apiEndpoint: { id: string; secret: string };
  let completed: { sessionId: string; body: Record<string, unknown> };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    const dir = mkdtempSync(join(tmpdir(), "blc-webhooks-"));
    const file = join(dir, "webhooks.json");
    writeFileSync(
      file,
      JSON.stringify({
        endpoints: [
          { id: "whe_ops", url: receiver.url("/ops"), events: ["session.completed"], secret: "${OPS_SECRET}" },
        ],
      }),
    );
    process.env.OPS_SECRET = fileSecret;
    stack = await startTestStack({
      env: {
        WEBHOOKS_FILE: file,
        // The receiver is on loopback: allowed by its host:port only, as an operator would.
        WEBHOOK_PRIVATE_ALLOWED_FOR: `127.0.0.1:${receiver.port}`,
        WEBHOOK_RETRY_BASE_MS: "50",
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
    delete process.env.OPS_SECRET;
  });

  it("refuses endpoint URLs the address policy refuses, and shows a new endpoint's secret once", async () => {
    for (const url of [
      `http://127.0.0.1:${receiver.port + 1}/x`,
      `http://localhost:${receiver.port}/x`,
      "http://10.0.0.1/x",
      "ftp://example.com/",
      `http://u:p@127.0.0.1:${receiver.port}/`,
    ]) {
      const refused = await stack.api("POST", "/webhooks/endpoints", { ...operator, body: { url } });
      expect(refused.status, url).toBe(422);
      expect(refused.body.error.code).toBe("webhook_url_not_allowed");
    }
    const created = await stack.api("POST", "/webhooks/endpoints", {
      ...operator,
      body: { url: receiver.url("/api"), events: ["session.completed", "credential.created", "session.cancelled"] },
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    apiEndpoint = { id: created.body.id, secret: created.body.secret };

    const list = await stack.api("GET", "/webhooks/endpoints", operator);
    expect(list.body.endpoints.map((e: { id: string }) => e.id).sort()).toEqual([apiEndpoint.id, "whe_ops"].sort());
    expect(list.body.endpoints.find((e: { id: string }) => e.id === "whe_ops")).toMatchObject({
      source: "file",
      events: ["session.completed"],
    });
    expect(JSON.stringify(list.body)).not.toContain("whsec_");
  });

  it("delivers the events each endpoint asked for, signed so that the spec's verification steps accept them", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo");
    await stack.user.logIn(await stack.user.findPage((u) => u.includes(tag)));
    const done = await waitForStatus(stack, sessionId, "completed");
    completed = { sessionId, body: done };

    const mine = () =>
      receiver.received.filter((r) => r.body.includes(sessionId) || r.body.includes(done.credentialId!));
    await waitFor(() => mine().length >= 3, { what: "three deliveries" });
    const byUrl = (secret: string) => mine().filter((r) => verifyStandardWebhook(secret, r.headers, r.body));
    const toApi = byUrl(apiEndpoint.secret).map((r) => JSON.parse(r.body));
    const toOps = byUrl(fileSecret).map((r) => JSON.parse(r.body));
    expect(toApi.map((p) => p.type).sort()).toEqual(["credential.created", "session.completed"]);
    expect(toOps.map((p) => p.type)).toEqual(["session.completed"]);
    // Every delivery verifies under exactly one endpoint's secret.
    expect(byUrl(apiEndpoint.secret).length + byUrl(fileSecret).length).toBe(mine().length);

    const completedPayload = toOps[0];
    expect(completedPayload.data).toEqual(done);
    expect(Date.parse(completedPayload.timestamp)).toBeGreaterThan(0);
    const delivery = mine().find((r) => verifyStandardWebhook(fileSecret, r.headers, r.body))!;
    expect(delivery.headers["webhook-id"]).toMatch(/^\d+-\d+$/);
    // The verifier can fail: another body, an old timestamp, another secret.
    expect(verifyStandardWebhook(fileSecret, delivery.headers, delivery.body.replace("completed", "cancelled"))).toBe(
      false,
    );
    expect(
      verifyStandardWebhook(
        fileSecret,
        { ...delivery.headers, "webhook-timestamp": String(Math.floor(Date.now() / 1000) - 3600) },
        delivery.body,
      ),
    ).toBe(false);
    expect(verifyStandardWebhook(apiEndpoint.secret, delivery.headers, delivery.body)).toBe(false);

    const log = await stack.api("GET", "/webhooks/endpoints/whe_ops/deliveries", operator);
    expect(log.body.deliveries[0]).toMatchObject({
      eventId: delivery.headers["webhook-id"],
      type: "session.completed",
      status: "delivered",
      attempts: 1,
      lastStatusCode: 200,
    });
  });

  it("retries with backoff when the receiver answers 500, then 200, with the same webhook-id; replays on request", async () => {
    receiver.answers.push(500);
    const { sessionId } = await startTagged(stack, "demo", { wait: 0 });
    await stack.api("POST", `/browser-login/${sessionId}/cancel`);
    const mine = () => receiver.received.filter((r) => r.body.includes(sessionId));
    await waitFor(() => mine().length >= 2, { what: "a retried delivery" });
    expect(mine().map((r) => r.answered)).toEqual([500, 200]);
    expect(mine()[1]!.headers["webhook-id"]).toBe(mine()[0]!.headers["webhook-id"]);
    expect(mine().every((r) => verifyStandardWebhook(apiEndpoint.secret, r.headers, r.body))).toBe(true);
    const eventId = mine()[0]!.headers["webhook-id"]!;
    const entry = await waitFor(
      async () => {
        const log = await stack.api("GET", `/webhooks/endpoints/${apiEndpoint.id}/deliveries`, operator);
        return log.body.deliveries.find(
          (d: { eventId: string; status: string }) => d.eventId === eventId && d.status === "delivered",
        );
      },
      { what: "the delivery log entry" },
    );
    expect(entry).toMatchObject({ type: "session.cancelled", attempts: 2, lastStatusCode: 200 });

    const replay = await stack.api("POST", `/webhooks/endpoints/${apiEndpoint.id}/replay`, {
      ...operator,
      body: { eventId },
    });
    expect(replay.status).toBe(202);
    await waitFor(() => mine().length >= 3, { what: "the replayed delivery" });
    expect(mine()[2]!.headers["webhook-id"]).toBe(eventId);
    expect(
      (
        await stack.api("POST", `/webhooks/endpoints/${apiEndpoint.id}/replay`, {
          ...operator,
          body: { eventId: "1-0" },
        })
      ).status,
    ).toBe(404);
  });

  it("keeps payload secrets out: job data holds ids only, Redis holds no signing secret or captured value", async () => {
    const redis = new Redis(stack.redis.url);
    try {
      const jobKeys = (await redis.keys(`${stack.config.REDIS_PREFIX}:webhook-deliveries:*`)).filter((k) =>
        /:whe_[^:]+$/.test(k),
      );
      expect(jobKeys.length).toBeGreaterThan(0);
      for (const key of jobKeys) {
        const data = await redis.hget(key, "data");
        if (data) expect(Object.keys(JSON.parse(data)).sort()).toEqual(["endpointId", "eventId"]);
      }
    } finally {
      redis.disconnect();
    }
    const dump = await dumpRedis(stack.redis.url);
    expect(dump).toContain(":webhook-endpoint:");
    const secrets = stack.site.issuedSecrets().filter((s) => !s.startsWith("grant-"));
    for (const secret of [
      ...secrets,
      fileSecret,
      apiEndpoint.secret,
      fileSecret.slice(6),
      apiEndpoint.secret.slice(6),
    ]) {
      expect(dump.includes(secret), `secret ${secret.slice(0, 10)}… in Redis`).toBe(false);
    }
    const payloads = receiver.received.map((r) => r.body).join("\n");
    for (const secret of secrets) expect(payloads.includes(secret)).toBe(false);
    expect(completed.body.status).toBe("completed");
  });

  it("deletes an endpoint: gone from the list, nothing more delivered to it", async () => {
    expect((await stack.api("DELETE", `/webhooks/endpoints/${apiEndpoint.id}`, operator)).status).toBe(204);
    expect((await stack.api("GET", `/webhooks/endpoints/${apiEndpoint.id}`, operator)).status).toBe(404);
    // A new endpoint with the deleted one's filter: once it has the cancel, dispatch is past it.
    const probe = await stack.api("POST", "/webhooks/endpoints", {
      ...operator,
      body: { url: receiver.url("/probe"), events: ["session.cancelled"] },
    });
    const { sessionId } = await startTagged(stack, "demo", { wait: 0 });
    await stack.api("POST", `/browser-login/${sessionId}/cancel`);
    const mine = () => receiver.received.filter((r) => r.body.includes(sessionId));
    await waitFor(() => mine().length >= 1, { what: "the probe's delivery" });
    expect(mine().every((r) => verifyStandardWebhook(probe.body.secret, r.headers, r.body))).toBe(true);
    expect(mine().some((r) => verifyStandardWebhook(apiEndpoint.secret, r.headers, r.body))).toBe(false);
  });
});
