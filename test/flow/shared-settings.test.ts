import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureProviders, startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { spawnWorker, stopWorkerProcess } from "../helpers/worker-process.ts";

/**
 * Settings that cannot travel with a session (keys, the live view's secret, the providers, retention)
 * must agree between the API and its workers: the API publishes a fingerprint of them in Redis, and a
 * worker started with other ones says so at once, naming each and why it matters, and never the
 * secrets themselves.
 */
describe("settings the API and its workers must share", () => {
  let stack: TestStack;
  const otherSecret = randomBytes(24).toString("base64");
  const overrides = { "demo-short": { timeoutMs: 5_000 } };

  beforeAll(async () => {
    stack = await startTestStack({
      withWorker: false,
      // The API's definition of one provider differs from the providers file its workers get.
      providerOverrides: () => overrides,
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("a worker with the API's settings says they agree", async () => {
    const sameProviders = join(stack.config.DATA_DIR, "same-providers.json");
    writeFileSync(sameProviders, JSON.stringify({ providers: fixtureProviders(stack.site, overrides) }));
    const worker = await spawnWorker(stack, { PROVIDERS_FILE: sameProviders, LOG_LEVEL: "debug" });
    try {
      expect(worker.output()).toContain("settings agree with the API's");
      expect(worker.output()).not.toContain("settings differ");
    } finally {
      await stopWorkerProcess(worker, stack.debugPort);
    }
  });

  it("a worker with other ones names each difference and why it matters, and no secret", async () => {
    const worker = await spawnWorker(stack, {
      LIVE_VIEW_SECRET: otherSecret,
      EVENT_RETENTION_SECONDS: "120",
    });
    try {
      const line = worker
        .output()
        .split("\n")
        .find((l) => l.includes("settings differ from the API's"));
      expect(line, worker.output()).toBeDefined();
      const entry = JSON.parse(line!);
      expect(entry.level).toBe(40);
      expect(entry.differences.map((d: { setting: string }) => d.setting).sort()).toEqual([
        "EVENT_RETENTION_SECONDS",
        "LIVE_VIEW_SECRET",
        "PROVIDERS",
      ]);
      expect(entry.differences.find((d: { setting: string }) => d.setting === "PROVIDERS").providers).toEqual([
        "demo-short",
      ]);
      expect(entry.msg).toContain("the live view fails");
      expect(worker.output()).not.toContain(otherSecret);
    } finally {
      await stopWorkerProcess(worker, stack.debugPort);
    }
    // What the API published holds no key or secret, only fingerprints.
    const redis = new Redis(stack.redis.url);
    const published = (await redis.get(`${stack.config.REDIS_PREFIX}:shared-settings`)) ?? "";
    redis.disconnect();
    const key = stack.config.ENCRYPTION_KEYS!.split(":")[1]!;
    expect(published).toContain("ENCRYPTION_KEYS");
    expect(published).not.toContain(key);
  });

  it("a worker under another REDIS_PREFIX finds no API and says so", async () => {
    const worker = await spawnWorker(stack, { REDIS_PREFIX: "elsewhere", LOG_LEVEL: "debug" });
    try {
      expect(worker.output()).toContain("no API has published its settings under this REDIS_PREFIX");
    } finally {
      await stopWorkerProcess(worker, stack.debugPort);
    }
  });
});
