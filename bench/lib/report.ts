import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

/** One line of the table: a figure, its service value, bare Playwright's, and the goal. */
export interface Row {
  figure: string;
  median: number | string;
  p95: number | string;
  bareMedian: number | string;
  /** service / bare, for times; how it is computed is said in `detail` when it differs. */
  ratio: number | string;
  goal: string;
  met: boolean | null;
  detail?: string;
}

export const ratio = (service: number, bare: number) => Math.round((service / bare) * 100) / 100;

export function machineInfo(chromiumVersion: string) {
  const cpus = os.cpus();
  const version = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: "utf8" }).trim();
    } catch {
      return "unknown";
    }
  };
  const playwright = JSON.parse(
    readFileSync(new URL("../../node_modules/playwright-core/package.json", import.meta.url), "utf8"),
  ).version;
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    chromium: chromiumVersion,
    playwrightCore: playwright,
    redis: version("redis-server", ["--version"]).match(/v=(\S+)/)?.[1] ?? "unknown",
  };
}

const cell = (v: number | string | boolean | null) =>
  v === null ? "—" : v === true ? "yes" : v === false ? "NO" : String(v);

/** The table as aligned plain text for the terminal. */
export function textTable(rows: Row[]): string {
  const header = ["figure", "median", "p95", "bare median", "ratio", "goal", "met?"];
  const lines = rows.map((r) => [r.figure, r.median, r.p95, r.bareMedian, r.ratio, r.goal, r.met].map(cell));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [fmt(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(fmt)].join("\n");
}

/** The same table in Markdown, with the details, for docs/performance.md. */
export function markdownTable(rows: Row[]): string {
  const header =
    "| figure | median | p95 | bare median | ratio | goal | met? | detail |\n|---|---:|---:|---:|---:|---|---|---|";
  const lines = rows.map(
    (r) =>
      `| ${[r.figure, r.median, r.p95, r.bareMedian, r.ratio, r.goal, r.met].map(cell).join(" | ")} | ${r.detail ?? ""} |`,
  );
  return [header, ...lines].join("\n");
}
