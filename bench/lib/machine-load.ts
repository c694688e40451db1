import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { sleep } from "./stats.ts";

/**
 * How much CPU processes other than the bench (and everything it started) use during the run.
 * On a shared two-core machine a test run elsewhere easily doubles every figure; this says when
 * that happened. Every second it reads each process's CPU time from /proc and charges the growth
 * to the bench when the process descends from it, to "others" when not. (Machine-wide counters
 * would not do: Chromium's exited helpers are not always reaped into the bench's own counters.)
 */
const TICKS_PER_SECOND = 100;

interface Sample {
  parent: number;
  ticks: number;
}

function readProcesses(): Map<string, Sample & { pid: number }> {
  const all = new Map<string, Sample & { pid: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // After the command name: [1] parent pid, [11] utime, [12] stime, [19] start time (keys out pid reuse).
      all.set(`${entry}:${f[19]}`, { pid: Number(entry), parent: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // Exited while we looked.
    }
  }
  return all;
}

function descendantsOf(root: number, processes: Map<string, { pid: number; parent: number }>): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of processes.values()) children.set(p.parent, [...(children.get(p.parent) ?? []), p.pid]);
  const tree = new Set([root]);
  const queue = [root];
  while (queue.length > 0)
    for (const child of children.get(queue.pop()!) ?? []) {
      if (tree.has(child)) continue;
      tree.add(child);
      queue.push(child);
    }
  return tree;
}

/**
 * CPU ticks spent between two looks at /proc, by the bench's own processes (everything it started)
 * and by all others. A process born since the first look is charged all its CPU time: it was all
 * spent since then.
 */
function ticksBetween(
  previous: Map<string, Sample>,
  current: Map<string, Sample & { pid: number }>,
): { ours: number; others: number } {
  const ours = descendantsOf(process.pid, current);
  const spent = { ours: 0, others: 0 };
  for (const [key, now] of current)
    spent[ours.has(now.pid) ? "ours" : "others"] += now.ticks - (previous.get(key)?.ticks ?? 0);
  return spent;
}

export interface LoadMonitor {
  /** Stops sampling; CPU-seconds used by others since the start, and their share of the machine. */
  stop(): { othersCpuS: number; shareOfMachine: number; loadAverage: number[] };
}

export function monitorOtherLoad(intervalMs = 1000): LoadMonitor {
  const started = Date.now();
  let previous = readProcesses();
  let othersTicks = 0;
  const sample = () => {
    const current = readProcesses();
    othersTicks += ticksBetween(previous, current).others;
    previous = current;
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      const elapsedS = (Date.now() - started) / 1000;
      const othersS = othersTicks / TICKS_PER_SECOND;
      return {
        othersCpuS: Math.round(othersS * 10) / 10,
        shareOfMachine: Math.round((othersS / (elapsedS * os.cpus().length)) * 1000) / 10,
        loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      };
    },
  };
}

/**
 * Milliseconds this process takes for a fixed piece of arithmetic (median of 5): this kind of
 * virtual machine runs ±25% faster or slower from one minute to the next, so runs are compared
 * with this beside them.
 */
export function cpuSpeedMs(): number {
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    let x = 0;
    for (let i = 0; i < 30_000_000; i++) x = (x + i * 7) % 1_000_003;
    if (x < 0) throw new Error("unreachable");
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[2]! * 10) / 10;
}

/**
 * Waits until the bench's own processes (everything it started) use under `percentOfCore` of one
 * core over a second, for at most `maxMs`; answers how long that took. Ten Chromium renderers just
 * started keep both cores busy for several seconds (compiling, loading fonts): a figure measured
 * then times their start-up, not the thing it names.
 */
export async function settle(percentOfCore = 25, maxMs = 30_000): Promise<number> {
  const started = Date.now();
  let previous = readProcesses();
  while (Date.now() - started < maxMs) {
    await sleep(1000);
    const current = readProcesses();
    const busy = ticksBetween(previous, current).ours;
    previous = current;
    // Ticks are hundredths of a second: over one second, ticks are percent of a core.
    if (busy < percentOfCore) return Date.now() - started;
  }
  return Date.now() - started;
}
