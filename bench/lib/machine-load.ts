import { readFileSync } from "node:fs";
import os from "node:os";

/**
 * How much CPU processes other than the bench (and everything it started) used during the run.
 * On a shared two-core machine a test run elsewhere easily doubles every figure; this says when
 * that happened. Machine busy time comes from /proc/stat; the bench's own is its CPU time plus
 * that of its children, which are all stopped and reaped (so counted) by the time `othersSince` runs.
 */
const TICKS_PER_SECOND = 100;

export interface CpuMark {
  at: number;
  machineBusyS: number;
  ownS: number;
}

function machineBusyS(): number {
  const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) / TICKS_PER_SECOND;
}

function ownS(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
  // Fields 14–17 of stat (utime, stime, cutime, cstime) are 11–14 after the command name.
  return (f[11]! + f[12]! + f[13]! + f[14]!) / TICKS_PER_SECOND;
}

export function cpuMark(): CpuMark {
  return { at: Date.now(), machineBusyS: machineBusyS(), ownS: ownS() };
}

export function othersSince(mark: CpuMark) {
  const now = cpuMark();
  const elapsedS = (now.at - mark.at) / 1000;
  const othersS = Math.max(0, now.machineBusyS - mark.machineBusyS - (now.ownS - mark.ownS));
  const share = othersS / (elapsedS * os.cpus().length);
  return {
    othersCpuS: Math.round(othersS * 10) / 10,
    shareOfMachine: Math.round(share * 1000) / 10,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
