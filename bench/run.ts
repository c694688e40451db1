/**
 * `npm run bench [-- --quick] [-- --only=1,3]`: the service's figures next to bare Playwright's,
 * on this machine, with the local headless adapter, the bundled fixture site, an embedded Redis and
 * the real API and worker (each in its own process). Prints a table and writes every figure and
 * sample to bench-results/latest.json. See docs/performance.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { measureApiPolls } from "./figures/api-polls.js";
import { measureCapture } from "./figures/capture.js";
import { measureConcurrency } from "./figures/concurrency.js";
import { measureDetection } from "./figures/detection.js";
import { measureLoginPage } from "./figures/login-page.js";
import { measureThroughput } from "./figures/throughput.js";
import { machineInfo, markdownTable, ratio, textTable, type Row } from "./lib/report.js";
import { cpuMark, othersSince } from "./lib/machine-load.js";
import { guard, Resources } from "./lib/resources.js";
import { startBenchStack, type BenchStack } from "./lib/stack.js";

const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",").map(Number);
const wanted = (figure: number) => !only || only.includes(figure);

const PLAN = quick
  ? { reps: 6, warmup: 1, captureReps: 5, levels: [10, 50], pollMs: 2_000, autocannonS: 4, logins: 10, users: 5 }
  : { reps: 20, warmup: 2, captureReps: 15, levels: [10, 25, 50], pollMs: 3_000, autocannonS: 10, logins: 30, users: 5 };
const SETTINGS = { spareContexts: Number(process.env.SPARE_CONTEXTS ?? 1), workerConcurrency: 60, bulk: { cookies: 50, storageKeys: 200 } };
/** The whole run must end within 10 minutes; past this everything is stopped and the run fails. */
const TIME_LIMIT_MS = 9.5 * 60_000;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function phase<T>(name: string, timings: Record<string, number>, work: () => Promise<T>): Promise<T> {
  log(`${name}…`);
  const started = Date.now();
  const result = await work();
  timings[name] = Date.now() - started;
  log(`${name}: done in ${(timings[name] / 1000).toFixed(1)} s`);
  return result;
}

async function measureAll(stack: BenchStack, resources: Resources, timings: Record<string, number>) {
  const r: Record<string, any> = {};
  if (wanted(1)) r.loginPage = await phase("1 login page ready", timings, () => measureLoginPage(stack, PLAN.reps, PLAN.warmup));
  if (wanted(2)) r.detection = await phase("2 detection", timings, () => measureDetection(stack, PLAN.reps, PLAN.warmup));
  if (wanted(3)) r.capture = await phase("3 capture", timings, () => measureCapture(stack, resources, PLAN.captureReps, PLAN.warmup));
  if (wanted(4)) r.concurrency = await phase("4 concurrency", timings, () => measureConcurrency(stack, PLAN.levels, PLAN.pollMs));
  if (wanted(5)) r.apiPolls = await phase("5 API status polls", timings, () => measureApiPolls(stack, PLAN.autocannonS));
  if (wanted(6)) r.throughput = await phase("6 throughput", timings, () => measureThroughput(stack, PLAN.logins, PLAN.users));
  return r;
}

function rows(r: Record<string, any>): Row[] {
  const out: Row[] = [];
  const timed = (figure: string, s: { median: number; p95: number }, bare: { median: number }, goal: number, detail?: string): Row => {
    const x = ratio(s.median, bare.median);
    return { figure, median: s.median, p95: s.p95, bareMedian: bare.median, ratio: x, goal: `≤ ${goal}×`, met: x <= goal, detail };
  };
  if (r.loginPage) {
    const b = r.loginPage.breakdown;
    out.push(timed("1. login page ready (ms)", r.loginPage.service, r.loginPage.bare, 1.3,
      `POST ?wait=10000 → awaiting_login; medians: pick-up ${b["queued→starting (queue pick-up)"].median}, context+goto ${b["starting→awaiting_login (context + goto)"].median}, answer ${b["awaiting_login→answer received"].median} ms`));
  }
  if (r.detection) {
    const bareNote = `bare: framenavigated of the same navigation (separate bare browser: ${r.detection.bareBrowser.median} ms)`;
    out.push(timed("2. detection, first 5 ms poll (ms)", r.detection.firstPoll, r.detection.bare, 1.5, `page navigates → first GET showing authenticated; ${bareNote}`));
    out.push(timed("2. detection, timeline (ms)", r.detection.timeline, r.detection.bare, 1.5, `page navigates → worker's timeline.authenticated; ${bareNote}`));
  }
  if (r.capture) {
    const c = r.capture.captured.service;
    out.push(timed("3. capture, capturing→completed (ms)", r.capture.service, r.capture.bare, 1.5,
      `${c?.cookies} cookies, ${c?.localStorage} localStorage + ${c?.sessionStorage} sessionStorage keys; capture + encrypt + store + final write`));
    out.push(timed("3. capture() + seal(), in-process (ms)", r.capture.capturePlusSeal, r.capture.bare, 1.5,
      `capture ${r.capture.breakdown["adapter capture()"].median} + seal ${r.capture.breakdown["vault seal() (encrypt + store)"].median} ms`));
  }
  for (const level of r.concurrency ?? []) {
    const n = level.sessions;
    out.push({
      figure: `4. PSS per session, ${n} waiting (MB)`,
      median: level.pssPerSessionMb,
      p95: "—",
      bareMedian: level.barePssPerContextMb,
      ratio: ratio(level.pssPerSessionMb, level.barePssPerContextMb),
      goal: "≤ 80 MB",
      met: level.pssPerSessionMb <= 80,
      detail: `idle ${level.idlePssMb} MB → ${level.loadedPssMb} MB, ${level.chromiumProcesses} processes; all awaiting_login after ${level.allAwaitingLoginMs} ms`,
    });
    out.push({
      figure: `4. status latency, ${n} waiting (ms)`,
      median: level.statusLatency.median,
      p95: level.statusLatency.p95,
      bareMedian: "—",
      ratio: "—",
      goal: "report p99",
      met: null,
      detail: `p99 ${level.statusLatency.p99} ms over ${level.statusRequests} GETs from 16 clients`,
    });
    out.push({
      figure: `4. logged in at once, ${n} sessions`,
      median: `${level.logins.completed}/${n}`,
      p95: "—",
      bareMedian: "—",
      ratio: "—",
      goal: "all completed",
      met: level.logins.completed === n,
      detail: `all final ${level.allCompletedMs} ms after the logins began; lost ${level.logins.lost}`,
    });
  }
  if (r.apiPolls) {
    const a = r.apiPolls;
    out.push({ figure: "5. status polls per second, 100 conns", median: a.requestsPerSecond, p95: "—", bareMedian: "—", ratio: "—", goal: "≥ 5000/s", met: a.requestsPerSecond >= 5000, detail: `${a.totalRequests} requests in ${a.durationS} s` });
    out.push({ figure: "5. status poll latency, 100 conns (ms)", median: a.latencyMs.p50, p95: `p99 ${a.latencyMs.p99}`, bareMedian: "—", ratio: "—", goal: "p99 ≤ 50 ms", met: a.latencyMs.p99 <= 50, detail: `p90 ${a.latencyMs.p90}, max ${a.latencyMs.max} ms` });
  }
  if (r.throughput) {
    const t = r.throughput;
    out.push({
      figure: `6. logins per minute (${t.total} logins, ${t.users} users)`,
      median: t.perMinute,
      p95: "—",
      bareMedian: t.bare.perMinute,
      ratio: ratio(t.bare.perMinute, t.perMinute),
      goal: "report",
      met: null,
      detail: `ratio = bare rate / service rate; ${t.completed}/${t.total} completed; per login median ${t.perLogin.median} ms (bare ${t.bare.perLogin.median} ms)`,
    });
  }
  return out;
}

async function main() {
  const started = Date.now();
  const mark = cpuMark();
  const resources = new Resources();
  const unguard = guard(resources, TIME_LIMIT_MS);
  const timings: Record<string, number> = {};
  let outcome: { machine: ReturnType<typeof machineInfo>; results: Record<string, any> } | undefined;
  try {
    log(`${quick ? "quick" : "full"} run; plan ${JSON.stringify(PLAN)}`);
    const stack = await phase("start Redis, fixture sites, worker, API, bare Chromium", timings, () => startBenchStack(resources, SETTINGS, log));
    const machine = machineInfo(stack.bare.version());
    outcome = { machine, results: await measureAll(stack, resources, timings) };
  } catch (error) {
    log(`failed: ${(error as Error).stack ?? error}`);
  } finally {
    await resources.closeAll();
    unguard();
  }
  if (!outcome) process.exit(1);
  report(outcome.machine, outcome.results, timings, othersSince(mark), Date.now() - started);
  process.exit(0);
}

/** Prints the table and writes bench-results/latest.json; warns when other work shared the machine. */
function report(machine: ReturnType<typeof machineInfo>, results: Record<string, any>, timings: Record<string, number>, load: ReturnType<typeof othersSince>, elapsedMs: number) {
  const table = rows(results);
  const totalRuntimeS = Math.round(elapsedMs / 100) / 10;
  const busy = load.shareOfMachine > 10;
  const lines = [
    "",
    textTable(table),
    "",
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, ${machine.os}; Node ${machine.node}, Chromium ${machine.chromium}, playwright-core ${machine.playwrightCore}, Redis ${machine.redis}`,
    `other processes used ${load.othersCpuS} CPU-seconds during the run (${load.shareOfMachine}% of the machine)${busy ? ": WARNING, the figures are disturbed; run again on a quiet machine" : ""}`,
    `total bench runtime: ${totalRuntimeS} s`,
    "",
  ];
  process.stdout.write(lines.join("\n"));
  mkdirSync("bench-results", { recursive: true });
  const json = { date: new Date().toISOString(), mode: quick ? "quick" : "full", only: only ?? null, plan: PLAN, settings: SETTINGS, machine, otherLoad: load, totalRuntimeS, phaseMs: timings, table, markdown: markdownTable(table), results };
  writeFileSync("bench-results/latest.json", `${JSON.stringify(json, null, 2)}\n`);
  log("wrote bench-results/latest.json");
}

await main();
