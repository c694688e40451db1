import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedFrom } from "../helpers/seeded-random.ts";
import { runFuzz } from "./fuzz-run.ts";
import { type FuzzService, startFuzzService } from "./fuzz-service.ts";

/**
 * The short fuzz run of `npm test`: a few hundred malformed and near-valid requests, upgrades and
 * viewer-socket messages against `npm start` as a process, with sessions running. The long run is
 * `npm run fuzz -- --minutes=N` (scripts/fuzz.ts). A fixed seed keeps this one reproducible; set
 * FUZZ_SEED to try another.
 */
const seed = seedFrom(process.env.FUZZ_SEED ?? "16");
/** Resident memory the service may gain over the short run (it measured about 50 MB: heap warming up). */
const RSS_GROWTH_BOUND_MB = 150;

describe(`the fuzz harness, short run (seed ${seed})`, () => {
  let service: FuzzService;

  beforeAll(async () => {
    service = await startFuzzService();
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
  });

  it("no exit, no unexpected 5xx, every error in the error shape, memory bounded, every session ends", async () => {
    const { figures, findings } = await runFuzz(service, {
      seed,
      requests: 400,
      durationMs: 40_000,
      concurrency: 6,
      viewerMessages: 400,
      sessions: 3,
      rssGrowthBoundMb: RSS_GROWTH_BOUND_MB,
    });
    const report = findings.map((f) => `${f.kind} ${f.label}: ${f.detail}`).join("\n");
    expect(report, `seed ${seed}; figures ${JSON.stringify(figures)}`).toBe("");
    expect(figures.exits).toBe(0);
    expect(figures.unexpected5xx).toBe(0);
    expect(figures.requests).toBeGreaterThan(0);
    expect(figures.sessionsEnded).toBe(figures.sessionsStarted);
    expect(figures.peakRssMb - figures.startRssMb).toBeLessThan(RSS_GROWTH_BOUND_MB);
  }, 180_000);
});
