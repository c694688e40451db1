import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FILE_CHUNK_BYTES, parseViewerMessage, viewerMessageSchema } from "../../src/live-view/viewer-messages.ts";
import { startTagged } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { openRawViewer, type RawViewer, socketOf } from "./raw-viewer.ts";

/** A seeded generator, so that a failing case can be run again (the seed is in the test's name). */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const text = (max: number) =>
    Array.from({ length: int(max) }, () =>
      String.fromCodePoint(pick([int(128), 0x80 + int(0x700), 0xd800 + int(0x800), 0x1f600 + int(80)])),
    ).join("");
  return { next, int, pick, text };
}

/** What viewers may send, and what they might send instead: every shape, with fields wrong in every way. */
const VALID: unknown[] = [
  { t: "mouse", type: "mousePressed", x: 10, y: 20, button: "left", buttons: 1, clickCount: 1 },
  { t: "key", type: "keyDown", key: "a", code: "KeyA", keyCode: 65, text: "a" },
  { t: "text", text: "hello" },
  { t: "compose", text: "に" },
  { t: "viewport", width: 800, height: 600, dpr: 2 },
  { t: "tab", pageId: "page-1" },
  { t: "copy" },
  { t: "back" },
  { t: "reload" },
  { t: "ack" },
  { t: "native-answer", id: 1, answer: { kind: "dialog", accept: true, text: "4711" } },
  { t: "native-answer", id: 2, answer: { kind: "choose", index: 3 } },
  { t: "native-answer", id: 3, answer: { kind: "value", value: "2026-07-04" } },
  { t: "native-answer", id: 4, answer: { kind: "auth", username: "demo", password: "letmein" } },
  { t: "native-answer", id: 5, answer: { kind: "cancel" } },
  { t: "file-begin", id: 6, files: [{ name: "notes.txt", size: 5, type: "text/plain" }] },
  { t: "file-chunk", id: 6, data: "aGVsbG8=" },
  { t: "file-end", id: 6 },
];

function mutate(r: ReturnType<typeof random>, value: unknown, depth = 0): unknown {
  const odd = [
    null,
    undefined,
    true,
    -1,
    0,
    2 ** 31,
    2 ** 53,
    -(2 ** 53),
    Number.NaN,
    1e308,
    "",
    "x".repeat(70_000),
    r.text(40),
    [],
    {},
    { __proto__: { t: "ack" } },
    ["t", "ack"],
  ];
  if (depth > 3 || r.next() < 0.15) return r.pick(odd);
  if (Array.isArray(value)) return value.map((v) => (r.next() < 0.3 ? mutate(r, v, depth + 1) : v));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const key of Object.keys(out)) if (r.next() < 0.3) out[key] = mutate(r, out[key], depth + 1);
    if (r.next() < 0.2) delete out[r.pick(Object.keys(out))];
    if (r.next() < 0.2) out[r.text(8)] = r.pick(odd);
    if (r.next() < 0.1) Object.assign(out, { constructor: { prototype: { polluted: true } } });
    return out;
  }
  return r.next() < 0.5 ? r.pick(odd) : value;
}

/** A message as a socket would carry it: JSON of a mutated shape, or text that is not JSON at all. */
function fuzzMessage(r: ReturnType<typeof random>): string {
  const roll = r.next();
  if (roll < 0.1) return r.text(200);
  if (roll < 0.15) return "[".repeat(r.int(100_000));
  if (roll < 0.2) return `{"t":"text","text":"${"\\u0000".repeat(r.int(3_000))}"}`;
  return JSON.stringify(mutate(r, r.pick(VALID))) ?? "null";
}

describe("viewer messages under fuzzing", () => {
  it("parses 5,000 random and malformed messages without throwing, and lets through only what the schema allows (seed 16018)", () => {
    const r = random(16_018);
    let accepted = 0;
    for (let i = 0; i < 5_000; i++) {
      const text = fuzzMessage(r);
      const message = parseViewerMessage(text);
      if (!message) continue;
      accepted += 1;
      // What comes through is a valid message, whatever it came from; its texts are within their bounds.
      expect(viewerMessageSchema.safeParse(message).success).toBe(true);
      expect(JSON.stringify(message).length).toBeLessThan(130_000);
      if (message.t === "file-chunk") expect(message.data.length).toBeLessThanOrEqual((FILE_CHUNK_BYTES / 3) * 4 + 4);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
    // The generator keeps many messages valid, so the fields past the first check are reached too.
    expect(accepted).toBeGreaterThan(250);
  });

  describe("through the API's socket, to a worker and a real Chromium", () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack({ scriptedUser: false });
    }, 60_000);
    afterAll(async () => {
      await stack?.close();
    });

    it("keeps serving: 3 sockets of fuzz (random, oversized, binary, out-of-order uploads) leave no failure and a working view (seed 4242)", async () => {
      const { sessionId, started } = await startTagged(stack, "demo", { path: "/native" });
      const r = random(4_242);
      const sockets: RawViewer[] = [];
      const memoryBefore = process.memoryUsage().rss;
      let sent = 0;
      for (let round = 0; round < 3; round++) {
        const socket = openRawViewer(socketOf(started.liveViewUrl!));
        sockets.push(socket);
        await socket.opened;
        await waitFor(() => socket.frames() > 0 || socket.isClosed(), { what: "the fuzzed viewer's first frame" });
        for (let i = 0; i < 2_000 && !socket.isClosed(); i++) {
          const roll = r.next();
          if (roll < 0.05) socket.ws.send(Buffer.from(r.text(100)));
          else if (roll < 0.07) socket.ws.send("x".repeat(70_000));
          else if (roll < 0.2) {
            // Uploads out of order: chunks before a begin, sizes that lie, bad base64, an end too early.
            const id = 1 + r.int(4);
            socket.send(
              r.pick([
                { t: "file-begin", id, files: [{ name: "a/../b\u0000.txt", size: r.int(20), type: "text/plain" }] },
                { t: "file-chunk", id, data: Buffer.from(r.text(30)).toString("base64") },
                { t: "file-end", id },
                { t: "file-begin", id, files: [{ name: "big", size: 1024 ** 3, type: "" }] },
              ]),
            );
          } else socket.send(fuzzMessage(r));
          sent += 1;
        }
        socket.close();
      }
      // Every socket ended (closed for flooding, or by the test); none of their input broke a handler.
      expect(stack.log.text()).not.toMatch(/live view: [a-z -]+ failed/);
      const viewer = openRawViewer(socketOf(started.liveViewUrl!));
      await waitFor(() => viewer.frames() > 0, { what: "frames for a well-behaved viewer after the fuzz" });
      viewer.send({ t: "viewport", width: 640, height: 480, dpr: 1 });
      await viewer.waitForMessage((m) => m.t === "frame-size" && m.width === 640, "the new size");
      viewer.close();
      expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
      expect(sent).toBeGreaterThan(1_000);
      // The API, the worker and the test share this process: fuzzing did not make it grow without bound.
      expect(process.memoryUsage().rss - memoryBefore).toBeLessThan(300 * 1024 * 1024);
      await stack.api("POST", `/browser-login/${sessionId}/cancel`);
    });
  });
});
