import { describe, expect, it } from "vitest";
import { createFramePacer, type Frame } from "../../src/live-view/frame-pacer.ts";

const frame = (n: number): Frame => ({ jpeg: Buffer.from([n]), width: 100, height: 100 });

describe("frame pacing for one viewer", () => {
  it("gives a slow viewer one frame at a time and, once it catches up, the latest one, never a backlog", () => {
    const delivered: number[] = [];
    const pacer = createFramePacer((f) => delivered.push(f.jpeg[0]!));
    pacer.offer(frame(1));
    for (let n = 2; n <= 50; n++) pacer.offer(frame(n));
    expect(delivered).toEqual([1]);
    pacer.taken();
    expect(delivered).toEqual([1, 50]);
    pacer.taken();
    pacer.taken(); // a late or repeated ack delivers nothing more
    expect(delivered).toEqual([1, 50]);
    pacer.offer(frame(51));
    expect(delivered).toEqual([1, 50, 51]);
    pacer.offer(frame(52));
    pacer.dropWaiting(); // the view moved to another tab
    pacer.taken();
    expect(delivered).toEqual([1, 50, 51]);
  });
});
