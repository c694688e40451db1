import type { BrowserContext } from "playwright-core";
import { timed } from "../lib/api-client.ts";
import { browserTreePss } from "../lib/procs.ts";
import { FINAL, type SessionView, span, startSession } from "../lib/sessions.ts";
import type { BenchStack } from "../lib/stack.ts";
import { mapLimit, sleep, summarize } from "../lib/stats.ts";

/** Median of a few PSS readings a moment apart: Chromium's memory moves a little on its own. */
async function steadyPss(parentPid: number, binary: string) {
  const readings: number[] = [];
  let processes = 0;
  for (let i = 0; i < 3; i++) {
    if (i > 0) await sleep(250);
    const r = browserTreePss(parentPid, binary);
    readings.push(r.mb);
    processes = r.processes;
  }
  return { mb: summarize(readings).median, processes };
}

/** Statuses of many sessions, a few requests at a time. */
async function statuses(stack: BenchStack, ids: string[]): Promise<SessionView[]> {
  return mapLimit(ids, 16, async (id) => {
    const { data, response } = await stack.api.GET("/browser-login/{id}", { params: { path: { id } } });
    if (!data) throw new Error(`status of ${id} answered ${response.status}`);
    return data;
  });
}

async function waitForAll(stack: BenchStack, ids: string[], done: (v: SessionView) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const views = await statuses(stack, ids);
    if (views.every(done) || Date.now() > deadline) return views;
    await sleep(200);
  }
}

/** GET /browser-login/:id over the waiting sessions, round robin, from `lanes` clients at once. */
async function statusLatencies(stack: BenchStack, ids: string[], durationMs: number, lanes = 16) {
  const latencies: number[] = [];
  const until = Date.now() + durationMs;
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (Date.now() < until) {
        const id = ids[next++ % ids.length]!;
        const res = await timed(() => stack.api.GET("/browser-login/{id}", { params: { path: { id } } }));
        if (res.response.status !== 200) throw new Error(`status poll answered ${res.response.status}`);
        latencies.push(res.ms);
      }
    }),
  );
  return latencies;
}

/**
 * Figure 4: N sessions waiting for a login at once on one worker, then all logged in at once.
 * Memory per session = (PSS of the worker's Chromium tree with N sessions − PSS idle) / N, the idle
 * reading taken just before with no session open (the spare context is in both). The scripted user
 * is disconnected while memory is read, as in production. Bare: N contexts with one page on the
 * login page in the bare browser, measured the same way (at the levels in `bareLevels`).
 */
export async function measureConcurrency(stack: BenchStack, levels: number[], bareLevels: number[], pollMs: number) {
  const results = [];
  for (const n of levels) {
    await stack.dropUser();
    await sleep(1000);
    const idle = await steadyPss(stack.workerPid, stack.chromiumPath);

    const startedAt = Date.now();
    const started = await mapLimit(Array.from({ length: n }), n, () =>
      startSession(stack, "bench-demo", stack.site.loginUrl, 0),
    );
    const ids = started.map((s) => s.view.sessionId);
    const ready = await waitForAll(stack, ids, (v) => v.status !== "queued" && v.status !== "starting", 120_000);
    const allReadyMs = Date.now() - startedAt;
    const notWaiting = ready.filter((v) => v.status !== "awaiting_login").map((v) => `${v.status}:${v.error?.code}`);
    const waiting = ready.filter((v) => v.status === "awaiting_login");
    const burst = {
      "queued→starting (queue pick-up)": summarize(waiting.map((v) => span(v, "queued", "starting"))),
      "starting→awaiting_login (context + goto)": summarize(waiting.map((v) => span(v, "starting", "awaiting_login"))),
    };
    await sleep(1000);
    const loaded = await steadyPss(stack.workerPid, stack.chromiumPath);
    const latencies = await statusLatencies(stack, ids, pollMs);

    const user = await stack.user();
    const loginStartedAt = Date.now();
    const loginErrors: string[] = [];
    await Promise.all(
      started.map(async ({ tag }) => {
        try {
          await user.logIn(await user.findPage((u) => u.includes(tag), 30_000));
        } catch (error) {
          loginErrors.push((error as Error).message.split("\n")[0]!);
        }
      }),
    );
    // Gone once every form is submitted, so the captures' hidden tabs wait for no second DevTools client.
    await stack.dropUser();
    const final = await waitForAll(stack, ids, (v) => FINAL.has(v.status), 120_000);
    const allCompletedMs = Date.now() - loginStartedAt;
    const byStatus: Record<string, number> = {};
    for (const v of final) byStatus[v.status] = (byStatus[v.status] ?? 0) + 1;

    const bare = bareLevels.includes(n) ? await bareContexts(stack, n) : undefined;
    results.push({
      sessions: n,
      idlePssMb: round(idle.mb),
      loadedPssMb: round(loaded.mb),
      chromiumProcesses: loaded.processes,
      pssPerSessionMb: round((loaded.mb - idle.mb) / n),
      barePssPerContextMb: bare ? round(bare.perContextMb) : undefined,
      bareAllLoadedMs: bare?.allLoadedMs,
      allAwaitingLoginMs: allReadyMs,
      burst,
      notAwaitingLogin: notWaiting,
      statusLatency: summarize(latencies),
      statusRequests: latencies.length,
      logins: {
        completed: byStatus.completed ?? 0,
        outcomes: byStatus,
        lost: n - (byStatus.completed ?? 0),
        errors: loginErrors.slice(0, 5),
      },
      allCompletedMs,
    });
  }
  await stack.dropUser();
  return results;
}

/** The same N login pages in the bare browser: its PSS growth per context. */
async function bareContexts(stack: BenchStack, n: number) {
  const idle = await steadyPss(process.pid, stack.chromiumPath);
  const contexts: BrowserContext[] = [];
  try {
    const startedAt = Date.now();
    await mapLimit(Array.from({ length: n }), n, async () => {
      const context = await stack.bare.newContext({ viewport: { width: 1280, height: 800 } });
      contexts.push(context);
      await (await context.newPage()).goto(stack.site.loginUrl, { waitUntil: "load", timeout: 120_000 });
    });
    const allLoadedMs = Date.now() - startedAt;
    await sleep(1000);
    const loaded = await steadyPss(process.pid, stack.chromiumPath);
    return { perContextMb: (loaded.mb - idle.mb) / n, allLoadedMs };
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  }
}

const round = (v: number) => Math.round(v * 10) / 10;
