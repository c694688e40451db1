import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/core/config.ts";
import {
  LEGIBLE_SSIM,
  measureLegibility,
  type Setting,
  type SettingResult,
  type TextBox,
} from "../../test/helpers/screencast-legibility.ts";
import { chromiumChildren, cpuByKind, processTree } from "../lib/procs.ts";
import type { BenchStack } from "../lib/stack.ts";
import { summarize } from "../lib/stats.ts";

const JPEG = [30, 50, 60, 70, 75, 80, 90];
const WEBP = [30, 50, 70, 90];
const DPRS = [1, 2];
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Figure 11: the live view's image format and quality. The fixture's login-form text
 * (`/legibility`) screencast the way the live view does it, at a typical viewer size (1000×664 CSS
 * px) at dpr 1 and 2, as lossless PNG (the reference) and as JPEG and WebP at several qualities:
 * bytes per frame, the bare browser's CPU per frame (browser and GPU processes), and legibility against the PNG over the text
 * boxes only (SSIM, PSNR, worst glyph box). Chooses the lowest quality of each format that keeps
 * every text box at SSIM ≥ LEGIBLE_SSIM at both ratios, and checks the configured default against
 * the same bar. Writes bench-results/live-view-quality.png: the smallest text at a few settings.
 */
export async function measureLegibilityFigure(
  stack: Pick<BenchStack, "bare" | "site" | "chromiumPath">,
  frames: number,
) {
  const url = `${stack.site.appOrigin}/legibility`;
  const settings: Setting[] = [
    ...JPEG.map((quality) => ({ format: "jpeg" as const, quality })),
    ...WEBP.map((quality) => ({ format: "webp" as const, quality })),
  ];
  // The bench's own Chromium (the bare browser) is the only one this process starts directly. Its
  // browser process encodes the frames and its GPU process composites them; renderers are left out:
  // a 2 px repaint costs them next to nothing, and pages opening and closing (the decoder's, the
  // other ratio's) would be counted in whichever setting they overlap.
  const browserCpu = () => {
    const byKind = cpuByKind(chromiumChildren(process.pid, stack.chromiumPath).flatMap((root) => processTree(root)));
    return (byKind.browser ?? 0) + (byKind["gpu-process"] ?? 0);
  };
  const runs = [];
  for (const dpr of DPRS) runs.push(await measureLegibility(stack.bare, url, dpr, settings, frames, browserCpu));

  const all = runs.flatMap((r) => r.results);
  const legible = (format: string, quality: number) =>
    all.filter((r) => r.format === format && r.quality === quality).every((r) => r.minSsim.ssim >= LEGIBLE_SSIM);
  const lowest = (format: string, qualities: number[]) => qualities.find((q) => legible(format, q)) ?? null;
  const defaultQuality = loadConfig({}).LIVE_VIEW_JPEG_QUALITY;
  const chosen = { jpeg: lowest("jpeg", JPEG), webp: lowest("webp", WEBP) };

  const picture = await drawCrops(stack, runs[0]!.boxes, runs[0]!.reference.image, runs[0]!.results, chosen);
  const table = all.map((r) => summary(r));
  return {
    threshold: LEGIBLE_SSIM,
    viewer: "1000x664 CSS px",
    framesPerSetting: frames,
    frameWidth: Object.fromEntries(runs.map((r, i) => [`dpr${DPRS[i]}`, r.results[0]!.frameWidth])),
    referencePngBytes: Object.fromEntries(runs.map((r, i) => [`dpr${DPRS[i]}`, r.reference.bytes])),
    chosen,
    /** The configured default quality, if it is one of the measured ones (dpr 1). */
    configuredDefault: {
      quality: defaultQuality,
      legible: legible("jpeg", defaultQuality),
      measured: table.find((t) => t.format === "jpeg" && t.quality === defaultQuality && t.dpr === 1) ?? null,
    },
    picture,
    table,
  };
}

function summary(r: SettingResult) {
  return {
    format: r.format,
    quality: r.quality,
    dpr: r.dpr,
    kbPerFrame: round(summarize(r.bytes).median / 1024, 1),
    msPerFrame: summarize(r.ms).median,
    cpuMsPerFrame: r.cpuMsPerFrame ?? null,
    psnrDb: round(r.psnr, 1),
    meanSsim: round(r.meanSsim, 4),
    minSsim: round(r.minSsim.ssim, 4),
    minSsimBox: r.minSsim.name,
    smallestTextSsim: round(r.smallestTextSsim, 4),
    worstGlyphMae: round(r.worstGlyph.meanAbsError, 2),
    worstGlyphBox: r.worstGlyph.name,
  };
}

/**
 * One picture of the smallest text (error, code, link, fine print; white and tinted card) at the
 * reference, the chosen settings and two lower JPEG qualities, enlarged 2× without smoothing so
 * that compression artefacts show as the viewer's screen would show them up close.
 */
async function drawCrops(
  stack: Pick<BenchStack, "bare">,
  boxes: TextBox[],
  reference: string,
  results: SettingResult[],
  chosen: { jpeg: number | null; webp: number | null },
) {
  const region = (side: string) => {
    const parts = boxes.filter((b) => b.name.startsWith(`${side}-`) && /error|code|link|fine/.test(b.name));
    const x = Math.min(...parts.map((b) => b.x));
    const y = Math.min(...parts.map((b) => b.y));
    return { x, y, width: 250, height: Math.max(...parts.map((b) => b.y + b.height)) - y };
  };
  const pick = (format: string, quality: number | null) =>
    results.find((r) => r.format === format && r.quality === quality);
  const rows = [
    { label: "PNG (lossless)", image: reference },
    ...[pick("jpeg", chosen.jpeg), pick("jpeg", 50), pick("jpeg", 30), pick("webp", chosen.webp)]
      .filter((r): r is SettingResult => r !== undefined)
      .map((r) => ({
        label: `${r.format.toUpperCase()} q${r.quality}, ${round(summarize(r.bytes).median / 1024, 1)} KB`,
        image: r.image,
      })),
  ];
  const context = await stack.bare.newContext();
  try {
    const page = await context.newPage();
    const png = await page.evaluate(compose, { rows, regions: [region("white"), region("tinted")], scale: 2 });
    const folder = fileURLToPath(new URL("../../bench-results/", import.meta.url));
    mkdirSync(folder, { recursive: true });
    writeFileSync(`${folder}live-view-quality.png`, Buffer.from(png, "base64"));
    return "bench-results/live-view-quality.png";
  } finally {
    await context.close();
  }
}

type Region = { x: number; y: number; width: number; height: number };

/** Runs in a blank page: each row's regions side by side under its label; a PNG, base64. */
async function compose({
  rows,
  regions,
  scale,
}: {
  rows: { label: string; image: string }[];
  regions: Region[];
  scale: number;
}): Promise<string> {
  const labelHeight = 22;
  const gap = 8;
  const rowHeight = labelHeight + Math.max(...regions.map((r) => r.height)) * scale + gap;
  const width = regions.reduce((sum, r) => sum + r.width * scale + gap, gap);
  const canvas = new OffscreenCanvas(width, rows.length * rowHeight + gap);
  const ctx = canvas.getContext("2d")!;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = false;
  for (const [i, row] of rows.entries()) {
    const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(row.image), (c) => c.charCodeAt(0))]));
    const top = gap + i * rowHeight;
    ctx.fillStyle = "#000";
    ctx.font = "bold 14px sans-serif";
    ctx.fillText(row.label, gap, top + 15);
    let left = gap;
    for (const r of regions) {
      // The frame may have more pixels than CSS px; regions are in CSS px.
      const k = bitmap.width / 1000;
      ctx.drawImage(
        bitmap,
        r.x * k,
        r.y * k,
        r.width * k,
        r.height * k,
        left,
        top + labelHeight,
        r.width * scale,
        r.height * scale,
      );
      left += r.width * scale + gap;
    }
  }
  const blob = await canvas.convertToBlob({ type: "image/png" });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export type LegibilityFigure = Awaited<ReturnType<typeof measureLegibilityFigure>>;
