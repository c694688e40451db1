/**
 * `npm run fuzz -- --minutes=N [--seed=S] [--concurrency=C]`: the long fuzz run against `npm start`
 * as a process (test/fuzz/: the generators, the judge, the service). Prints the seed first (run it
 * again with --seed= to replay), progress, then the figures and every finding; exits 1 on a finding.
 * `npm test` runs a short one (test/fuzz/fuzz.test.ts).
 */
import { parseArgs } from "node:util";
import { runFuzz } from "../test/fuzz/fuzz-run.ts";
import { startFuzzService } from "../test/fuzz/fuzz-service.ts";
import { seedFrom } from "../test/helpers/seeded-random.ts";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "3" },
    seed: { type: "string" },
    concurrency: { type: "string", default: "8" },
    "rss-bound-mb": { type: "string", default: "150" },
  },
});
const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, not ${values.minutes}`);
const seed = seedFrom(values.seed);
const say = (line: string) => process.stdout.write(`[fuzz] ${line}\n`);
say(`seed ${seed} (replay with --seed=${seed}), ${minutes} min`);

const service = await startFuzzService();
// The service runs in its own process group: Ctrl-C here must stop it too.
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => void service.stop().finally(() => process.exit(130)));
try {
  const durationMs = minutes * 60_000;
  const { figures, findings } = await runFuzz(service, {
    seed,
    requests: Number.MAX_SAFE_INTEGER,
    durationMs,
    concurrency: Number(values.concurrency),
    // About 40 messages a second over the run, and a session every half minute or so.
    viewerMessages: Math.round(durationMs / 25),
    sessions: Math.max(2, Math.round(minutes * 2)),
    rssGrowthBoundMb: Number(values["rss-bound-mb"]),
    log: say,
  });
  say(`figures ${JSON.stringify(figures)}`);
  for (const finding of findings) say(`finding ${finding.kind} ${finding.label}: ${finding.detail}`);
  say(findings.length === 0 ? "no findings" : `${findings.length} findings`);
  process.exitCode = findings.length === 0 ? 0 : 1;
} finally {
  await service.stop();
}
