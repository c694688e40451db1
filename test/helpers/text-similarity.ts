/**
 * How close a compressed crop of text is to its lossless original, on grayscale (0–255) pixels:
 * the eye reads glyph shapes from luminance, so colour is left out. Written small here rather than
 * pulled in: no image library is installed, and these are a few loops.
 */
export interface Gray {
  width: number;
  height: number;
  data: Uint8Array;
}

/** SSIM constants of Wang et al. (2004) for 8-bit images. */
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/**
 * Mean SSIM over every `win`×`win` window (uniform weights, as scikit-image's default of 7): small
 * windows because glyphs of 11 px text are about that size, and a box is at least that tall.
 */
export function ssim(a: Gray, b: Gray, win = 7): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error("ssim: images differ in size");
  const { width: w, height: h } = a;
  if (w < win || h < win) throw new Error(`ssim: a ${w}x${h} box is smaller than the ${win}x${win} window`);
  // Summed-area tables of x, y, x², y², xy: each window's moments in O(1).
  const stride = w + 1;
  const sums = [0, 1, 2, 3, 4].map(() => new Float64Array(stride * (h + 1)));
  const [sx, sy, sxx, syy, sxy] = sums as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = a.data[y * w + x]!;
      const q = b.data[y * w + x]!;
      const i = (y + 1) * stride + x + 1;
      const up = i - stride;
      const left = i - 1;
      const diag = up - 1;
      sx[i] = p + sx[up]! + sx[left]! - sx[diag]!;
      sy[i] = q + sy[up]! + sy[left]! - sy[diag]!;
      sxx[i] = p * p + sxx[up]! + sxx[left]! - sxx[diag]!;
      syy[i] = q * q + syy[up]! + syy[left]! - syy[diag]!;
      sxy[i] = p * q + sxy[up]! + sxy[left]! - sxy[diag]!;
    }
  }
  const n = win * win;
  const box = (t: Float64Array, x: number, y: number) =>
    t[(y + win) * stride + x + win]! - t[y * stride + x + win]! - t[(y + win) * stride + x]! + t[y * stride + x]!;
  let total = 0;
  let windows = 0;
  for (let y = 0; y + win <= h; y++) {
    for (let x = 0; x + win <= w; x++) {
      const mx = box(sx, x, y) / n;
      const my = box(sy, x, y) / n;
      // Sample (co)variances, as scikit-image does.
      const vx = ((box(sxx, x, y) / n - mx * mx) * n) / (n - 1);
      const vy = ((box(syy, x, y) / n - my * my) * n) / (n - 1);
      const cxy = ((box(sxy, x, y) / n - mx * my) * n) / (n - 1);
      total += ((2 * mx * my + C1) * (2 * cxy + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
      windows += 1;
    }
  }
  return total / windows;
}

/** Mean absolute difference in grey levels (0–255). */
export function meanAbsError(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** Peak signal-to-noise ratio in dB; Infinity when identical. */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  const mse = sum / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}
