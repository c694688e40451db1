import { chromium, type Page } from "playwright-core";
import { launchChromium } from "../../src/browser/local-playwright/chromium-launch.ts";
import { settle } from "../lib/machine-load.ts";
import { browserTreePss, chromiumChildren, cpuByKind, cpuSeconds, processTree } from "../lib/procs.ts";
import { cancel, pollUntil, startSession } from "../lib/sessions.ts";
import type { BenchStack } from "../lib/stack.ts";
import { sleep, summarize } from "../lib/stats.ts";

/**
 * In the viewer page, before its own script: every frame it draws is checked at the centre pixel,
 * and a key pressed there is timed until a frame shows the page's answer (the fixture's /latency
 * page flips black/white on each key). That is the whole path: viewer → API → worker → Chromium
 * → screencast → worker → API → viewer, decoded and drawn.
 */
const PROBE = `(() => {
  const draw = CanvasRenderingContext2D.prototype.drawImage;
  const lv = (window.__lv = { samples: [], arrivals: [], pending: null, bright: null, frames: 0 });
  // When frames reached the page's socket: a slow sample then says whether its frame came late or was drawn late.
  const Socket = WebSocket;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => { if (typeof e.data !== "string" && lv.pending) lv.pending.frames.push(performance.now() - lv.pending.at); });
    }
  };
  // The frame's centre pixel is read from the frame itself into a 1×1 canvas kept in memory: reading
  // it back from the page's (GPU-backed) canvas would stall the page on every frame.
  const probe = new OffscreenCanvas(1, 1).getContext("2d", { willReadFrequently: true });
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    draw.apply(this, args);
    const frame = args[0];
    probe.drawImage(frame, frame.width >> 1, frame.height >> 1, 1, 1, 0, 0, 1, 1);
    const bright = probe.getImageData(0, 0, 1, 1).data[0] > 128;
    lv.frames++;
    if (lv.pending && bright === lv.pending.want) {
      lv.samples.push(performance.now() - lv.pending.at);
      lv.arrivals.push(lv.pending.frames);
      lv.pending = null;
      lv.shown?.();
    }
    lv.bright = bright;
  };
  addEventListener("keydown", () => { lv.pending = { at: performance.now(), want: !lv.bright, frames: [] }; }, true);
})();`;

async function typeAndTime(page: Page, samples: number): Promise<number> {
  let missed = 0;
  for (let i = 0; i < samples; i++) {
    // One round trip per key: polling the page would load the machine being measured.
    const shown = page.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          const lv = (window as any).__lv;
          // This key's own timeout only: a stale one would drop a later key's sample and count it as missed.
          const timer = setTimeout(() => {
            lv.pending = null;
            lv.shown = null;
            resolve(false);
          }, 3_000);
          lv.shown = () => {
            clearTimeout(timer);
            lv.shown = null;
            resolve(true);
          };
        }),
    );
    await page.keyboard.press("a");
    if (!(await shown)) missed += 1;
    await sleep(150 + Math.random() * 150);
  }
  return missed;
}

/**
 * Figure 7: the live view with `sessions` sessions viewed at once on one worker, every viewer
 * typing (a key every 150-300 ms after the previous one showed): input-to-pixel latency, frames and
 * bytes per second per viewer while typing, worker CPU and memory per viewed session.
 */
export async function measureLiveView(stack: BenchStack, sessions: number, samples: number, viewerDpr = 1) {
  const workerTree = () => [
    stack.workerPid,
    ...chromiumChildren(stack.workerPid, stack.chromiumPath).flatMap((r) => processTree(r)),
  ];
  const idle = browserTreePss(stack.workerPid, stack.chromiumPath).mb;
  const started = await Promise.all(
    Array.from({ length: sessions }, () =>
      startSession(stack, "bench-latency", `${stack.site.appOrigin}/latency`, 10_000),
    ),
  );
  const ids = started.map((s) => s.view.sessionId);
  // The link comes at once; the unviewed memory is that of sessions showing their page.
  await Promise.all(
    ids.map((id) => pollUntil(stack, id, (v) => v.status === "awaiting_login", { intervalMs: 200, timeoutMs: 60_000 })),
  );
  const { browser: viewers } = await launchChromium(chromium, {
    executablePath: stack.chromiumPath,
    window: "headless",
  });
  try {
    await sleep(1_000);
    const unviewed = browserTreePss(stack.workerPid, stack.chromiumPath).mb;
    const bytes = new Array<number>(sessions).fill(0);
    const pages = await Promise.all(
      started.map(async ({ view }, i) => {
        const url = (view as { liveViewUrl?: string }).liveViewUrl;
        if (!url?.includes("/live/"))
          throw new Error(`session ${view.sessionId} has no self-hosted live view (${url})`);
        const context = await viewers.newContext({
          viewport: { width: 1000, height: 700 },
          deviceScaleFactor: viewerDpr,
        });
        await context.addInitScript(PROBE);
        const page = await context.newPage();
        page.on("websocket", (ws) =>
          ws.on(
            "framereceived",
            (f) => (bytes[i]! += typeof f.payload === "string" ? f.payload.length : f.payload.byteLength),
          ),
        );
        await page.goto(url);
        await page
          .waitForFunction(() => (window as any).__lv.frames > 0, undefined, { timeout: 60_000 })
          .catch(async () => {
            throw new Error(
              `viewer ${i} showed no frame within 60 s; its page says "${await page.locator("#status").textContent()}"`,
            );
          });
        await page.locator("#screen").click({ position: { x: 5, y: 5 } });
        return page;
      }),
    );
    const framesBefore = await Promise.all(pages.map((p) => p.evaluate(() => (window as any).__lv.frames as number)));
    const bytesBefore = [...bytes];
    const viewerTree = () => chromiumChildren(process.pid, stack.chromiumPath).flatMap((r) => processTree(r));
    const breakdown = () => ({
      worker: cpuByKind(workerTree()),
      api: cpuSeconds([stack.apiPid]),
      viewers: cpuByKind(viewerTree()),
    });
    const settledMs = await settle();
    const breakdownBefore = breakdown();
    const cpuBefore = cpuSeconds(workerTree());
    const t0 = performance.now();
    const missed = await Promise.all(pages.map((p) => typeAndTime(p, samples)));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(workerTree()) - cpuBefore;
    const breakdownAfter = breakdown();
    const share = (after: number, before = 0) => Math.round(((after - before) / seconds) * 1000) / 10;
    // Percent of one core, over the typing, by process: where the machine's two cores went.
    const cpuPercentByProcess = {
      ...Object.fromEntries(
        Object.entries(breakdownAfter.worker).map(([k, v]) => [`worker ${k}`, share(v, breakdownBefore.worker[k])]),
      ),
      api: share(breakdownAfter.api, breakdownBefore.api),
      ...Object.fromEntries(
        Object.entries(breakdownAfter.viewers).map(([k, v]) => [`viewers' ${k}`, share(v, breakdownBefore.viewers[k])]),
      ),
    };
    const viewed = browserTreePss(stack.workerPid, stack.chromiumPath).mb;
    const latencies = (
      await Promise.all(pages.map((p) => p.evaluate(() => (window as any).__lv.samples as number[])))
    ).flat();
    const arrivals = (
      await Promise.all(pages.map((p) => p.evaluate(() => (window as any).__lv.arrivals as number[][])))
    ).flat();
    const framesAfter = await Promise.all(pages.map((p) => p.evaluate(() => (window as any).__lv.frames as number)));
    const fps = framesAfter.map((f, i) => (f - framesBefore[i]!) / seconds);
    const bps = bytes.map((b, i) => (b - bytesBefore[i]!) / seconds);
    const perSession = (mb: number) => Math.round(((mb - idle) / sessions) * 10) / 10;
    return {
      sessions,
      viewerDpr,
      latencyMs: summarize(latencies),
      missed: missed.reduce((a, b) => a + b, 0),
      // Key → the answer's frame at the viewer's socket: the rest of latencyMs is decoding and drawing it.
      frameArrivalMs: summarize(arrivals.map((a) => a.at(-1)!)),
      framesPerSecond: summarize(fps),
      kbPerSecond: summarize(bps.map((b) => b / 1024)),
      settledMs,
      cpuPercentByProcess,
      cpuPercentPerSession: Math.round(((cpu / seconds) * 100 * 10) / sessions) / 10,
      pssPerSessionMb: { unviewed: perSession(unviewed), viewed: perSession(viewed) },
      memoryRatio: Math.round(((viewed - idle) / (unviewed - idle)) * 100) / 100,
    };
  } finally {
    await viewers.close();
    await Promise.all(ids.map((id) => cancel(stack, id).catch(() => {})));
  }
}
