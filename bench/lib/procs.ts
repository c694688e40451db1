import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * Memory of a Chromium process tree as PSS (proportional set size): pages shared between the
 * browser, GPU, zygote and renderer processes are divided among them instead of counted once per
 * process, so the sum is what the tree really costs. Summed RSS would count shared pages many times.
 */

/** Every process's parent, read from /proc/<pid>/stat (the command name may hold spaces and parens). */
function parentsOfAll(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const afterName = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(afterName[1]));
    } catch {
      // The process exited while we looked.
    }
  }
  return parents;
}

/** `root` and all its descendants. */
export function processTree(root: number): number[] {
  const parents = parentsOfAll();
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  }
  return tree;
}

/** Chromium browser processes started directly by `parentPid` (Playwright launches the binary itself). */
export function chromiumChildren(parentPid: number, binary: string): number[] {
  const parents = parentsOfAll();
  return [...parents].filter(([pid, parent]) => parent === parentPid && exeOf(pid) === binary).map(([pid]) => pid);
}

export function exeOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/** Summed Pss of the processes, in MB (processes that exited meanwhile count 0). */
export function pssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const match = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").match(/^Pss:\s+(\d+) kB/m);
      kb += Number(match?.[1] ?? 0);
    } catch {
      // Gone.
    }
  }
  return kb / 1024;
}

/** PSS of the whole tree of every Chromium browser started by `parentPid`. */
export function browserTreePss(parentPid: number, binary: string): { processes: number; mb: number } {
  const pids = chromiumChildren(parentPid, binary).flatMap((root) => processTree(root));
  return { processes: pids.length, mb: pssMb(pids) };
}

/** CPU seconds (user + system) used so far by these processes. */
export function cpuSeconds(pids: number[]): number {
  return Object.values(cpuByKind(pids)).reduce((a, b) => a + b, 0);
}

/** CPU seconds by kind of process: Chromium's --type (browser when none) or the program's name. */
export function cpuByKind(pids: number[]): Record<string, number> {
  const byKind: Record<string, number> = {};
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      // Chromium rewrites its children's command lines into one space-separated string.
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      const kind = /--type=(\S+)/.exec(cmdline)?.[1] ?? (cmdline.includes("chrom") ? "browser" : "node");
      byKind[kind] = (byKind[kind] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // Exited meanwhile.
    }
  }
  return byKind;
}
