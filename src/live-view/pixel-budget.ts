import type { Viewport } from "./viewport.ts";

/**
 * A worker's budget of device pixels per frame, shared by the viewers it serves. Chromium captures
 * and encodes every frame whole, so a frame costs the worker in proportion to its pixels, and a
 * viewer at pixel ratio 2 has four times those of one at ratio 1 (docs/performance.md, figure 8:
 * ten Retina viewers typing at once took 0.8 s a key on two cores, against 0.1 s at ratio 1).
 * Every controlling viewer gets the same ceiling on its ratio: the highest of the browser's screen
 * ratios at which the sum fits the budget, never below the lowest. One viewer on a phone or a
 * Retina screen gets all its pixels; many at once share the budget and are served at ratio 1
 * rather than slowly.
 */
export interface PixelBudget {
  /** A viewer joins; `onCeilingChange` runs when another viewer's coming or going changes its ceiling. */
  join(onCeilingChange: () => void): PixelBudgetMember;
}

export interface PixelBudgetMember {
  /** The viewer's wanted size and ratio (recomputes every member's ceiling). */
  want(viewport: Viewport): void;
  /** The ratio this viewer may have now: its own, or the shared ceiling if lower. */
  ratio(): number;
  leave(): void;
}

/** The highest ratio (of `ratios`, ascending) at which these viewports' frames fit `budgetPixels`. */
export function ratioCeiling(viewports: Viewport[], budgetPixels: number, ratios: number[]): number {
  const pixels = (ceiling: number) =>
    viewports.reduce((sum, v) => sum + v.width * v.height * Math.min(v.dpr, ceiling) ** 2, 0);
  for (const ceiling of [...ratios].reverse()) if (pixels(ceiling) <= budgetPixels) return ceiling;
  return ratios[0]!;
}

export function createPixelBudget(budgetPixels: number, ratios = [1, 2, 3]): PixelBudget {
  const members = new Map<symbol, { viewport?: Viewport; onCeilingChange(): void }>();
  let ceiling = ratios.at(-1)!;

  function recompute(changedBy?: symbol) {
    const before = ceiling;
    const viewports = [...members.values()].flatMap((m) => (m.viewport ? [m.viewport] : []));
    ceiling = ratioCeiling(viewports, budgetPixels, ratios);
    if (ceiling === before) return;
    for (const [key, member] of members) {
      const wanted = member.viewport?.dpr ?? 1;
      // Only a viewer whose allowed ratio moves needs new frames; the one that changed its own wish renews them anyway.
      if (key !== changedBy && Math.min(wanted, before) !== Math.min(wanted, ceiling)) member.onCeilingChange();
    }
  }

  return {
    join(onCeilingChange) {
      const key = Symbol("viewer");
      const member: { viewport?: Viewport; onCeilingChange(): void } = { onCeilingChange };
      members.set(key, member);
      return {
        want(viewport) {
          member.viewport = viewport;
          recompute(key);
        },
        ratio: () => Math.min(member.viewport?.dpr ?? 1, ceiling),
        leave() {
          if (members.delete(key)) recompute(key);
        },
      };
    },
  };
}
