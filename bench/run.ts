/**
 * `npm run bench [-- --quick] [-- --only=1,3]`: the service's figures next to bare Playwright's,
 * on this machine, with the local headless adapter, the bundled fixture site, an embedded Redis and
 * the real API and worker (each in its own process). Prints a table and writes every figure and
 * sample to bench-results/latest.json. See docs/performance.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { measureApiPolls } from "./figures/api-polls.ts";
import { measureBotSignals } from "./figures/bot-signals.ts";
import { measureCapture } from "./figures/capture.ts";
import { measureConcurrency } from "./figures/concurrency.ts";
import { measureDetection } from "./figures/detection.ts";
import { measureEvents } from "./figures/events.ts";
import { measureKeepAlive } from "./figures/keep-alive.ts";
import { measureLegibilityFigure } from "./figures/legibility.ts";
import { measureLiveView } from "./figures/live-view.ts";
import { measureLoginPage } from "./figures/login-page.ts";
import { measureMcp } from "./figures/mcp.ts";
import { measureNativeUi } from "./figures/native-ui.ts";
import { measureOAuth2 } from "./figures/oauth2.ts";
import { measureThroughput } from "./figures/throughput.ts";
import { measureVerify } from "./figures/verify.ts";
import { cpuSpeedMs, type LoadMonitor, monitorOtherLoad } from "./lib/machine-load.ts";
import { machineInfo, markdownTable, type Row, ratio, textTable } from "./lib/report.ts";
import { guard, Resources } from "./lib/resources.ts";
import { type BenchStack, startBenchStack } from "./lib/stack.ts";

const quick = process.argv.includes("--quick");
const levelsArg = process.argv
  .find((a) => a.startsWith("--levels="))
  ?.slice("--levels=".length)
  .split(",")
  .map(Number);
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",")
  .map(Number);
const wanted = (figure: number) => !only || only.includes(figure);

const PLAN = quick
  ? {
      reps: 6,
      detectionReps: 6,
      warmup: 1,
      captureReps: 5,
      levels: [10],
      bareLevels: [10],
      pollMs: 2_000,
      autocannonS: 4,
      logins: 10,
      users: 5,
      viewed: 10,
      keys: 10,
      oauth2Reps: 30,
      mcpReps: 50,
      legibilityFrames: 4,
      nativeUi: 20,
    }
  : {
      reps: 20,
      detectionReps: 16,
      warmup: 2,
      captureReps: 10,
      levels: [10, 25, 50],
      bareLevels: [10, 50],
      pollMs: 2_000,
      autocannonS: 10,
      logins: 30,
      users: 5,
      viewed: 10,
      keys: 25,
      oauth2Reps: 100,
      mcpReps: 200,
      legibilityFrames: 6,
      nativeUi: 60,
    };
if (levelsArg) PLAN.levels = PLAN.bareLevels = levelsArg;
const viewedArg = process.argv.find((a) => a.startsWith("--viewed="))?.slice("--viewed=".length);
if (viewedArg) PLAN.viewed = Number(viewedArg);
/** `--viewer-dpr=2`: the viewers' device pixel ratio (a Retina screen, a phone); frames then carry that many times the pixels a side. */
const viewerDpr = Number(process.argv.find((a) => a.startsWith("--viewer-dpr="))?.slice("--viewer-dpr=".length) ?? 1);
const SETTINGS = {
  spareContexts: Number(process.env.SPARE_CONTEXTS ?? 1),
  workerConcurrency: 60,
  bulk: { cookies: 50, storageKeys: 200 },
};
/**
 * The whole run must end within 15 minutes: no figure starts after the soft limit, and past the hard one everything is
 * stopped. (A full run takes about 12: at 8 minutes, the limit until figures 9–11 came, it skipped the last four.)
 */
const SOFT_LIMIT_MS = 12 * 60_000;
const TIME_LIMIT_MS = 14.5 * 60_000;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface Figure {
  figure: number;
  key: string;
  name: string;
  run(stack: BenchStack, resources: Resources): Promise<unknown>;
}

const FIGURES: Figure[] = [
  { figure: 1, key: "loginPage", name: "1 login page ready", run: (s) => measureLoginPage(s, PLAN.reps, PLAN.warmup) },
  {
    figure: 2,
    key: "detection",
    name: "2 detection",
    run: (s) => measureDetection(s, PLAN.detectionReps, PLAN.warmup),
  },
  { figure: 3, key: "capture", name: "3 capture", run: (s, r) => measureCapture(s, r, PLAN.captureReps, PLAN.warmup) },
  {
    figure: 4,
    key: "concurrency",
    name: "4 concurrency",
    run: (s) => measureConcurrency(s, PLAN.levels, PLAN.bareLevels, PLAN.pollMs),
  },
  { figure: 5, key: "apiPolls", name: "5 API status polls", run: (s) => measureApiPolls(s, PLAN.autocannonS) },
  {
    figure: 7,
    key: "events",
    name: "7 push latency (SSE, webhooks)",
    run: (s) => measureEvents(s, PLAN.detectionReps, PLAN.warmup),
  },
  { figure: 6, key: "throughput", name: "6 throughput", run: (s) => measureThroughput(s, PLAN.logins, PLAN.users) },
  { figure: 9, key: "verify", name: "9 credential verify", run: (s) => measureVerify(s, PLAN.reps, PLAN.warmup) },
  {
    figure: 8,
    key: "liveView",
    name: "8 live view",
    run: (s) => measureLiveView(s, PLAN.viewed, PLAN.keys, viewerDpr),
  },
  { figure: 10, key: "oauth2", name: "10 OAuth2 access tokens", run: (s, r) => measureOAuth2(s, r, PLAN.oauth2Reps) },
  {
    figure: 12,
    key: "keepAlive",
    name: "12 kept-alive browsers and check-ins",
    run: (s) => measureKeepAlive(s, PLAN.reps, PLAN.warmup),
  },
  {
    figure: 11,
    key: "legibility",
    name: "11 live view image quality",
    run: (s) => measureLegibilityFigure(s, PLAN.legibilityFrames),
  },
  { figure: 13, key: "botSignals", name: "13 bot signals", run: (s) => measureBotSignals(s) },
  {
    figure: 14,
    key: "nativeUi",
    name: "14 live view native UI",
    run: (s) => measureNativeUi(s, PLAN.nativeUi),
  },
  { figure: 15, key: "mcp", name: "15 MCP tool call round trip", run: (s) => measureMcp(s, PLAN.mcpReps) },
];

/**
 * Runs the wanted figures in order. A figure that fails is recorded and the others still run; one
 * that would start past the soft time limit is skipped, so the run ends in time with what it has.
 */
async function measureAll(stack: BenchStack, resources: Resources, started: number, timings: Record<string, number>) {
  const results: Record<string, any> = {};
  const problems: Record<string, string> = {};
  for (const figure of FIGURES.filter((f) => wanted(f.figure))) {
    if (Date.now() - started > SOFT_LIMIT_MS) {
      problems[figure.name] = "skipped: the run reached its time budget";
      log(`${figure.name}: ${problems[figure.name]}`);
      continue;
    }
    log(`${figure.name}…`);
    const t0 = Date.now();
    try {
      results[figure.key] = await figure.run(stack, resources);
      log(`${figure.name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } catch (error) {
      problems[figure.name] = `failed: ${(error as Error).message.split("\n")[0]}`;
      log(`${figure.name}: ${(error as Error).stack ?? error}`);
    }
    timings[figure.name] = Date.now() - t0;
  }
  return { results, problems };
}

function rows(r: Record<string, any>): Row[] {
  const out: Row[] = [];
  const timed = (
    figure: string,
    s: { median: number; p95: number },
    bare: { median: number },
    goal: number,
    detail?: string,
  ): Row => {
    const x = ratio(s.median, bare.median);
    return {
      figure,
      median: s.median,
      p95: s.p95,
      bareMedian: bare.median,
      ratio: x,
      goal: `≤ ${goal}×`,
      met: x <= goal,
      detail,
    };
  };
  if (r.loginPage) {
    const b = r.loginPage.breakdown;
    out.push(
      timed(
        "1. login page ready (ms)",
        r.loginPage.service,
        r.loginPage.bare,
        1.3,
        `POST ?wait=10000 → awaiting_login; medians: pick-up ${b["queued→starting (queue pick-up)"].median}, context+goto ${b["starting→awaiting_login (context + goto)"].median}, answer ${b["awaiting_login→answer received (?wait wake-up)"].median} ms`,
      ),
    );
  }
  if (r.loginPage?.person) {
    out.push({
      figure: "1. login page ready, the person's locale and time zone (ms)",
      median: r.loginPage.person.median,
      p95: r.loginPage.person.p95,
      bareMedian: r.loginPage.bare.median,
      ratio: ratio(r.loginPage.person.median, r.loginPage.bare.median),
      goal: "≤ 1.3×",
      met: ratio(r.loginPage.person.median, r.loginPage.bare.median) <= 1.3,
      detail:
        "start with locale fr-FR, timeZone Europe/Paris: after the first such session, the worker's spare for the last other place serves it",
    });
  }
  if (r.detection) {
    const bareNote = "bare: framenavigated for the same page script in the bare browser";
    out.push(
      timed(
        "2. detection, first 5 ms poll (ms)",
        r.detection.firstPoll,
        r.detection.bare,
        1.5,
        `page navigates → first GET showing authenticated; ${bareNote}`,
      ),
    );
    out.push(
      timed(
        "2. detection, timeline (ms)",
        r.detection.timeline,
        r.detection.bare,
        1.5,
        `page navigates → worker's timeline.authenticated, runs polling every 250 ms (while polling every 5 ms: ${r.detection.breakdown["timeline, in the 5 ms polling runs"].median} ms); ${bareNote}`,
      ),
    );
  }
  if (r.capture) {
    const c = r.capture.captured.service;
    out.push(
      timed(
        "3. capture, capturing→completed (ms)",
        r.capture.service,
        r.capture.bare,
        1.5,
        `${c?.cookies} cookies, ${c?.localStorage} localStorage + ${c?.sessionStorage} sessionStorage keys; capture + encrypt + store + final write`,
      ),
    );
    out.push(
      timed(
        "3. capture() + seal(), in-process (ms)",
        r.capture.capturePlusSeal,
        r.capture.bare,
        1.5,
        `capture ${r.capture.breakdown["adapter capture()"].median} + seal ${r.capture.breakdown["vault seal() (encrypt + store)"].median} ms`,
      ),
    );
  }
  for (const level of r.concurrency ?? []) {
    const n = level.sessions;
    out.push({
      figure: `4. PSS per session, ${n} waiting (MB)`,
      median: level.pssPerSessionMb,
      p95: "—",
      bareMedian: level.barePssPerContextMb ?? "—",
      ratio: level.barePssPerContextMb ? ratio(level.pssPerSessionMb, level.barePssPerContextMb) : "—",
      goal: "≤ 80 MB",
      met: level.pssPerSessionMb <= 80,
      detail: `idle ${level.idlePssMb} MB → ${level.loadedPssMb} MB, ${level.chromiumProcesses} processes; all awaiting_login ${level.allAwaitingLoginMs} ms after the burst of starts${level.bareAllLoadedMs ? ` (bare: all loaded after ${level.bareAllLoadedMs} ms)` : ""}`,
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
      detail: `all final ${level.allCompletedMs} ms after the logins began; lost ${level.logins.lost}${Object.keys(level.logins.outcomes).length > 1 ? `; ${JSON.stringify(level.logins.outcomes)}` : ""}`,
    });
  }
  if (r.apiPolls) {
    const a = r.apiPolls;
    out.push({
      figure: "5. status polls per second, 100 conns",
      median: a.requestsPerSecond,
      p95: "—",
      bareMedian: "—",
      ratio: "—",
      goal: "≥ 5000/s",
      met: a.requestsPerSecond >= 5000,
      detail: `${a.totalRequests} requests in ${a.durationS} s`,
    });
    out.push({
      figure: "5. status poll latency, 100 conns (ms)",
      median: a.latencyMs.p50,
      p95: `p99 ${a.latencyMs.p99}`,
      bareMedian: "—",
      ratio: "—",
      goal: "p99 ≤ 50 ms",
      met: a.latencyMs.p99 <= 50,
      detail: `p90 ${a.latencyMs.p90}, max ${a.latencyMs.max} ms`,
    });
  }
  if (r.events) {
    const e = r.events;
    const push = (figure: string, s: { median: number; p95: number }, detail: string): Row => ({
      figure,
      median: s.median,
      p95: s.p95,
      bareMedian: "—",
      ratio: "—",
      goal: "report p50/p95",
      met: null,
      detail,
    });
    out.push(
      push(
        "7. event latency, status change → SSE client (ms)",
        e.toSse,
        "worker's timeline stamp → event at the client; authenticated, capturing, completed",
      ),
    );
    out.push(
      push(
        "7. event latency, status change → webhook receiver (ms)",
        e.toWebhook,
        "same statuses; signed, through the dispatcher and BullMQ",
      ),
    );
    out.push(
      timed(
        "7. detection through SSE (ms)",
        e.detection,
        e.bare,
        1.5,
        "page navigates → session.authenticated at the SSE client; bare: framenavigated for the same page script",
      ),
    );
  }
  if (r.verify) {
    const v = r.verify;
    out.push(
      timed(
        "9. verify, POST → 200 (ms)",
        v.service,
        v.bare,
        1.5,
        `queue → worker → decrypt + audit → seeded context → /dashboard loaded → condition → record + event → answer (worker part median ${v.worker.median} ms); bare: restoreSession (storageState) + goto(load) + close`,
      ),
    );
    out.push(
      timed(
        "9. verify vs bare seeded context (ms)",
        v.service,
        v.bareSeeded,
        1.5,
        "bare: newContext + addCookies + storage init script (the adapters' technique) + goto(load) + close",
      ),
    );
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
  if (r.liveView) {
    const v = r.liveView;
    const n = v.sessions;
    out.push({
      figure: `8. live view input-to-pixel, ${n} viewed${v.viewerDpr === 1 ? "" : ` at dpr ${v.viewerDpr}`} (ms)`,
      median: v.latencyMs.median,
      p95: v.latencyMs.p95,
      bareMedian: "—",
      ratio: "—",
      goal: "p50 ≤ 100, p95 ≤ 250",
      met: v.latencyMs.median <= 100 && v.latencyMs.p95 <= 250,
      detail: `key pressed in the viewer page → first drawn frame showing the page's answer (its frame at the viewer's socket: p50 ${v.frameArrivalMs.median}, p95 ${v.frameArrivalMs.p95} ms); ${v.latencyMs.n} keys, ${v.missed} never shown within 3 s; all ${n} viewers typing at once`,
    });
    const cpu = Object.entries(v.cpuPercentByProcess as Record<string, number>)
      .filter(([, pct]) => pct >= 1)
      .map(([who, pct]) => `${who} ${pct}`)
      .join(", ");
    out.push({
      figure: `8. live view frames/s and KB/s per viewer, typing`,
      median: v.framesPerSecond.median,
      p95: "—",
      bareMedian: "—",
      ratio: "—",
      goal: "report",
      met: null,
      detail: `KB/s median ${v.kbPerSecond.median}, max ${v.kbPerSecond.max}; typing began after ${(v.settledMs / 1000).toFixed(1)} s of settling; % of a core while typing: ${cpu}`,
    });
    out.push({
      figure: `8. live view memory per viewed session (MB)`,
      median: v.pssPerSessionMb.viewed,
      p95: "—",
      bareMedian: v.pssPerSessionMb.unviewed,
      ratio: v.memoryRatio,
      goal: "≤ 1.5×",
      met: v.memoryRatio <= 1.5,
      detail: `PSS of the worker's Chromium tree over idle, per session; bare column: the same sessions unviewed; worker CPU (node + Chromium) ${v.cpuPercentPerSession}% of a core per viewed session while typing`,
    });
  }
  if (r.oauth2) {
    const o = r.oauth2;
    // No goal: a refresh contains the direct request; the figure is what the service adds to it.
    const vsDirect = (figure: string, s: { median: number; p95: number }, detail: string): Row => ({
      figure,
      median: s.median,
      p95: s.p95,
      bareMedian: o.direct.median,
      ratio: ratio(s.median, o.direct.median),
      goal: "report",
      met: null,
      detail,
    });
    out.push(
      vsDirect(
        "10. access-token, fresh (ms)",
        o.fresh,
        `GET /credentials/:id/access-token with a valid token (decrypt + audit entry); bare: a direct refresh-token request to the same oidc-provider (p95 ${o.direct.p95}); ${o.reps} calls`,
      ),
    );
    out.push(
      vsDirect(
        "10. access-token, refresh needed (ms)",
        o.refreshing,
        `every call refreshes (lock, refresh request, re-seal, event): ${o.refreshesSeen} refresh requests for ${o.reps + 3} calls; adds ${Math.round((o.refreshing.median - o.direct.median) * 10) / 10} ms to the direct request at the median`,
      ),
    );
  }
  if (r.keepAlive) {
    const k = r.keepAlive;
    out.push(
      timed(
        "12. connectOverCDP to the kept-alive page, through the API (ms)",
        k.devTools.viaApi,
        k.devTools.direct,
        1.5,
        `connect → logged-in page found → evaluate; API relay + signed hop + worker guard; bare: connectOverCDP to a local Chromium's own DevTools port (p95 ${k.devTools.direct.p95})`,
      ),
    );
    out.push({
      figure: "12. memory per kept-alive session (MB)",
      median: k.memory.keptAliveMb,
      p95: "—",
      bareMedian: k.memory.waitingMb,
      ratio: k.memory.ratio,
      goal: "report",
      met: null,
      detail: `PSS of the worker's Chromium trees over idle, per session, ${k.sessions} at once; a kept-alive session is a browser process of its own; bare column: a session waiting at the login page in the shared browser`,
    });
    out.push({
      figure: "12. check-in round trip (ms)",
      median: k.checkIn.total.median,
      p95: k.checkIn.total.p95,
      bareMedian: k.checkIn.decrypt.median,
      ratio: ratio(k.checkIn.total.median, k.checkIn.decrypt.median),
      goal: "report",
      met: null,
      detail: `session.checkIn() storing a new version: reading the browser's state (Playwright's storageState visits each origin it knows; alone ${k.checkIn.stateRead.median} ms) + POST (decrypt, merge, seal, event); the POST alone when nothing changed ${k.checkIn.post.median} ms (p95 ${k.checkIn.post.p95}); bare: GET storage-state (a decrypt)`,
    });
  }
  if (r.mcp) {
    const m = r.mcp;
    out.push({
      figure: "15. MCP tool call, HTTP loopback (ms)",
      median: m.tool.median,
      p95: m.tool.p95,
      bareMedian: m.rest.median,
      ratio: ratio(m.tool.median, m.rest.median),
      goal: "report",
      met: null,
      detail: `list_connections through the SDK's client (2026-07-28, service key), ${m.reps} calls; bare: GET /credentials, the same listing over REST (p95 ${m.rest.p95}); connecting (server/discover) ${m.connectMs} ms`,
    });
  }
  if (r.legibility) {
    const l = r.legibility;
    const at = (format: string, quality: number | null, dpr: number) =>
      l.table.find((t: any) => t.format === format && t.quality === quality && t.dpr === dpr);
    const d = l.configuredDefault.quality;
    const [one, two] = [at("jpeg", d, 1), at("jpeg", d, 2)];
    const webp = at("webp", l.chosen.webp, 1);
    const byQuality = l.table
      .filter((t: any) => t.dpr === 1)
      .map((t: any) => `${t.format} q${t.quality} ${t.kbPerFrame} KB ${t.minSsim}`)
      .join(", ");
    if (one && two) {
      out.push({
        figure: `11. live view text SSIM, JPEG q${d} (worst text box)`,
        median: one.minSsim,
        p95: "—",
        bareMedian: "—",
        ratio: "—",
        goal: `≥ ${l.threshold} at dpr 1 and 2`,
        met: l.configuredDefault.legible,
        detail: `vs a lossless PNG frame, 1000x664 CSS px; dpr 2: ${two.minSsim}; smallest (11 px) text ${one.smallestTextSsim}; text PSNR ${one.psnrDb} dB; worst glyph box ${one.worstGlyphBox} MAE ${one.worstGlyphMae} grey levels`,
      });
      out.push({
        figure: `11. live view frame, JPEG q${d} (KB)`,
        median: one.kbPerFrame,
        p95: "—",
        bareMedian: l.referencePngBytes.dpr1 ? Math.round(l.referencePngBytes.dpr1 / 102.4) / 10 : "—",
        ratio: "—",
        goal: "report",
        met: null,
        detail: `bare column: the PNG frame; browser CPU ${one.cpuMsPerFrame} ms per frame; worst text box SSIM by setting (dpr 1): ${byQuality}`,
      });
    }
    out.push({
      figure: "11. lowest legible quality, JPEG / WebP",
      median: `${l.chosen.jpeg} / ${l.chosen.webp}`,
      p95: "—",
      bareMedian: "—",
      ratio: "—",
      goal: "report",
      met: null,
      detail: webp
        ? `WebP q${webp.quality}: ${webp.kbPerFrame} KB, worst text box ${webp.minSsim}, browser CPU ${webp.cpuMsPerFrame} ms per frame (JPEG q${d}: ${one?.cpuMsPerFrame} ms)`
        : "no WebP setting met the bar",
    });
  }
  if (r.botSignals) {
    const { service, bare } = r.botSignals;
    out.push({
      figure: "13. bot signals on the test page, hard (soft)",
      median: `${service.hard.length} (${service.soft.length})`,
      p95: "—",
      bareMedian: `${bare.hard.length} (${bare.soft.length})`,
      ratio: "—",
      goal: "0 but webgl.renderer (no GPU)",
      met: service.hard.every((name: string) => name === "webgl.renderer"),
      detail: `service: ${[...service.hard, ...service.soft].join(", ") || "none"}; bare Playwright: ${bare.hard.join(", ")}`,
    });
  }
  if (r.nativeUi) {
    const n = r.nativeUi;
    const shown = (figure: string, s: { median: number; p95: number; n: number }, detail: string): Row => ({
      figure,
      median: s.median,
      p95: s.p95,
      bareMedian: "—",
      ratio: "—",
      goal: "p95 ≤ 150",
      met: s.p95 <= 150,
      detail,
    });
    out.push(
      shown(
        "14. dialog opened → shown in the viewer (ms)",
        n.dialogMs,
        `alert() in the worker's page → its box in the viewer page's DOM, through the API relay, one viewer; ${n.dialogMs.n} dialogs, max ${n.dialogMs.max} ms`,
      ),
    );
    out.push(
      shown(
        "14. select pressed open → list shown in the viewer (ms)",
        n.selectMs,
        `the page's mousedown on a <select> (the viewer's click on the picture) → its options in the viewer page's DOM; includes Chromium building its list; ${n.selectMs.n} opens, max ${n.selectMs.max} ms`,
      ),
    );
  }
  return out;
}

type Machine = ReturnType<typeof machineInfo> & { cpuSpeedMs: number[] };

async function main() {
  const started = Date.now();
  const monitor = monitorOtherLoad();
  const resources = new Resources();
  const unguard = guard(resources, TIME_LIMIT_MS);
  const timings: Record<string, number> = {};
  let outcome: { machine: Machine; results: Record<string, any>; problems: Record<string, string> } | undefined;
  let load: ReturnType<LoadMonitor["stop"]> | undefined;
  try {
    log(`${quick ? "quick" : "full"} run; plan ${JSON.stringify(PLAN)}`);
    const t0 = Date.now();
    const stack = await startBenchStack(resources, SETTINGS, log);
    timings.start = Date.now() - t0;
    const machine = machineInfo(stack.bare.version());
    const speedBefore = cpuSpeedMs();
    const measured = await measureAll(stack, resources, started, timings);
    outcome = { machine: { ...machine, cpuSpeedMs: [speedBefore, cpuSpeedMs()] }, ...measured };
  } catch (error) {
    log(`failed: ${(error as Error).stack ?? error}`);
  } finally {
    // Before stopping anything: a browser being torn down is no one else's load.
    load = monitor.stop();
    await resources.closeAll();
    unguard();
  }
  if (!outcome || !load) process.exit(1);
  report(outcome.machine, outcome.results, outcome.problems, timings, load, Date.now() - started);
  process.exit(Object.keys(outcome.problems).length > 0 ? 1 : 0);
}

/** Prints the table and writes bench-results/latest.json; warns when other work shared the machine. */
function report(
  machine: Machine,
  results: Record<string, any>,
  problems: Record<string, string>,
  timings: Record<string, number>,
  load: ReturnType<LoadMonitor["stop"]>,
  elapsedMs: number,
) {
  const table = [
    ...rows(results),
    ...Object.entries(problems).map(
      ([name, problem]): Row => ({
        figure: name,
        median: problem,
        p95: "—",
        bareMedian: "—",
        ratio: "—",
        goal: "—",
        met: false,
      }),
    ),
  ];
  const totalRuntimeS = Math.round(elapsedMs / 100) / 10;
  const busy = load.shareOfMachine > 10;
  const lines = [
    "",
    textTable(table),
    "",
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, ${machine.os}; Node ${machine.node}, Chromium ${machine.chromium}, playwright-core ${machine.playwrightCore}, Redis ${machine.redis}`,
    `CPU speed check (lower is faster; this machine varies ±25%): ${machine.cpuSpeedMs.join(" ms at the start, ")} ms at the end`,
    `other processes used ${load.othersCpuS} CPU-seconds during the run (${load.shareOfMachine}% of the machine)${busy ? ": WARNING, the figures are disturbed; run again on a quiet machine" : ""}`,
    `total bench runtime: ${totalRuntimeS} s`,
    "",
  ];
  process.stdout.write(lines.join("\n"));
  const folder = fileURLToPath(new URL("../bench-results/", import.meta.url));
  mkdirSync(folder, { recursive: true });
  const json = {
    date: new Date().toISOString(),
    mode: quick ? "quick" : "full",
    only: only ?? null,
    plan: PLAN,
    settings: SETTINGS,
    machine,
    otherLoad: load,
    totalRuntimeS,
    phaseMs: timings,
    problems,
    table,
    markdown: markdownTable(table),
    results,
  };
  writeFileSync(`${folder}latest.json`, `${JSON.stringify(json, null, 2)}\n`);
  log("wrote bench-results/latest.json");
}

await main();
