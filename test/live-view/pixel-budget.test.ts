import { describe, expect, it } from "vitest";
import { createPixelBudget, ratioCeiling } from "../../src/live-view/pixel-budget.ts";

const view = (dpr: number) => ({ width: 1000, height: 664, dpr });

describe("the worker's pixel budget", () => {
  it("gives one high-density viewer its full ratio, and many the ratio that fits", () => {
    /** The ratio each viewer gets: its own, under the shared ceiling. */
    const allowed = (views: ReturnType<typeof view>[]) =>
      views.map((v) => Math.min(v.dpr, ratioCeiling(views, 4_000_000, [1, 2, 3])));
    // 1000×664 at ratio 2 is 2.66 million device pixels; at 3, 5.98.
    expect(allowed([view(2)])).toEqual([2]);
    expect(allowed([view(2), view(2)])).toEqual([1, 1]);
    expect(allowed([view(3)])).toEqual([2]);
    expect(allowed([view(2), view(1)])).toEqual([2, 1]);
    expect(ratioCeiling([{ width: 390, height: 664, dpr: 3 }], 4_000_000, [1, 2, 3])).toBe(3);
    // Never below the lowest ratio, however many viewers.
    expect(allowed(Array.from({ length: 10 }, () => view(1)))).toEqual(Array.from({ length: 10 }, () => 1));
  });

  it("lowers a viewer's ratio when another comes, tells it, and restores it when that one leaves", () => {
    const budget = createPixelBudget(4_000_000);
    let told = 0;
    const first = budget.join(() => (told += 1));
    first.want(view(2));
    expect(first.ratio()).toBe(2);
    const second = budget.join(() => {});
    expect(first.ratio()).toBe(2);
    second.want(view(2));
    expect([first.ratio(), second.ratio(), told]).toEqual([1, 1, 1]);
    second.leave();
    expect([first.ratio(), told]).toEqual([2, 2]);
    // A viewer at ratio 1 is never told: its frames do not change.
    const low = budget.join(() => (told += 100));
    low.want(view(1));
    const third = budget.join(() => {});
    third.want(view(2));
    expect([low.ratio(), told]).toEqual([1, 3]);
  });
});
