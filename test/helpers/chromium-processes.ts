import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from "node:fs";

/**
 * Chromium's processes as /proc shows them, for the isolation test. Read as root (CI) or as the
 * user Chromium runs as: another user cannot read a process's memory.
 */
export interface ChromiumProcess {
  pid: number;
  /** browser, zygote, gpu-process, renderer, utility, crashpad-handler... */
  type: string;
  uid: number;
  /** 2: under a seccomp-bpf filter. */
  seccomp: number;
  pidNamespace: string;
  /** The variables in /proc/<pid>/environ. True only for the browser process: its children write their title over that memory. */
  environ: string[];
}

/** The browser started with `--remote-debugging-port=<port>`, and every process below it. */
export function chromiumTree(debugPort: number): ChromiumProcess[] {
  const all = pids();
  const browser = all.find((pid) => {
    const cmd = cmdline(pid);
    return cmd.includes(`--remote-debugging-port=${debugPort}`) && !cmd.includes("--type=");
  });
  if (browser === undefined) throw new Error(`no Chromium with --remote-debugging-port=${debugPort}`);
  const children = new Map<number, number[]>();
  for (const pid of all) {
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const walk = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(browser);
  return tree.map(describe).filter((p): p is ChromiumProcess => p !== undefined);
}

/** Processes anywhere whose command line mentions `text` (crash handlers leave the browser's tree: parent 1). */
export function processesMentioning(text: string): ChromiumProcess[] {
  return pids()
    .filter((pid) => cmdline(pid).includes(text))
    .map(describe)
    .filter((p): p is ChromiumProcess => p !== undefined);
}

export type MemoryScan = { found: boolean } | { gone: true } | { unreadable: string };

/**
 * Whether `needle` is anywhere in the process's writable private memory (heap, stacks, anonymous
 * mappings), read through /proc/<pid>/mem. /proc/<pid>/environ is no proof for Chromium's child
 * processes: they overwrite it with their title while the variables stay in their heap.
 */
export function memoryHolds(pid: number, needle: string): MemoryScan {
  const want = Buffer.from(needle);
  let maps: string;
  let fd: number;
  try {
    maps = readFileSync(`/proc/${pid}/maps`, "utf8");
    fd = openSync(`/proc/${pid}/mem`, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    return code === "ENOENT" || code === "ESRCH" ? { gone: true } : { unreadable: code };
  }
  const chunk = Buffer.alloc(1 << 20);
  try {
    for (const line of maps.split("\n")) {
      const region = line.match(/^([0-9a-f]+)-([0-9a-f]+) rw.p /);
      if (!region) continue;
      const start = Number.parseInt(region[1]!, 16);
      const end = Number.parseInt(region[2]!, 16);
      // V8's address-space reservations are mostly unbacked; what they hold is in smaller regions too.
      if (end - start > 256 * 2 ** 20) continue;
      // Read with an overlap, so that a needle across two chunks is still seen.
      for (let at = start; at < end; at += chunk.length - want.length) {
        const length = Math.min(chunk.length, end - at);
        let read = 0;
        try {
          read = readSync(fd, chunk, 0, length, at);
        } catch {
          break;
        }
        if (chunk.subarray(0, read).includes(want)) return { found: true };
        if (read < length) break;
      }
    }
  } finally {
    closeSync(fd);
  }
  return { found: false };
}

function pids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

function describe(pid: number): ChromiumProcess | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => status.match(new RegExp(`^${name}:\\s*(\\S+)`, "m"))?.[1] ?? "";
    const cmd = cmdline(pid);
    let environ: string[] = [];
    try {
      environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
    } catch {}
    return {
      pid,
      type: cmd.match(/--type=(\S+)/)?.[1] ?? (cmd.includes("crashpad") ? "crashpad-handler" : "browser"),
      uid: Number(field("Uid")),
      seccomp: Number(field("Seccomp")),
      pidNamespace: readlinkSync(`/proc/${pid}/ns/pid`),
      environ,
    };
  } catch {
    return undefined;
  }
}
