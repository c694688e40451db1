/**
 * `node bench/fairness.ts`: subject B's time to its login page while subject A bursts (docs/fairness.md).
 * One worker with SLOTS slots; A starts BURST sessions at once, each of which holds its slot HOLD_MS
 * once on its login page (then this script cancels it, as a user finishing would end it), then B
 * starts one. B's time is its timeline's queued → awaiting_login. MAX_SESSIONS_PER_SUBJECT as given (default: 1000, fairness alone).
 * Not part of `npm run bench`: it measures an order, not a speed. Prints one JSON line per run and a summary.
 */
import { readFileSync } from "node:fs";
import { startTestStack } from "../test/helpers/test-stack.ts";
import { waitFor } from "../test/helpers/wait-for.ts";

const SLOTS = Number(process.env.SLOTS ?? 2);
const BURST = Number(process.env.BURST ?? 6);
const HOLD_MS = Number(process.env.HOLD_MS ?? 4_000);
const RUNS = Number(process.env.RUNS ?? 3);
const MAX = process.env.MAX_SESSIONS_PER_SUBJECT ?? "1000";

const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const loadBefore = load();
const stack = await startTestStack({
  env: { WORKER_CONCURRENCY: String(SLOTS), MAX_SESSIONS_PER_SUBJECT: MAX, REAP_INTERVAL_MS: "500" },
});
const times: number[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const a = `burst-a-${run}`;
    const b = `first-b-${run}`;
    const started = [];
    for (let i = 0; i < BURST; i++)
      started.push(await stack.api("POST", "/browser-login/start", { subject: a, body: { providerId: "demo" } }));
    const held = started.filter((r) => r.status === 202).map((r) => r.body.sessionId as string);
    const bStart = await stack.api("POST", "/browser-login/start", { subject: b, body: { providerId: "demo" } });
    const bId = bStart.body.sessionId as string;
    // Each of A's sessions holds its slot HOLD_MS from its login page on, then ends (cancelled here).
    let holding = true;
    const ender = (async () => {
      const ended = new Set<string>();
      while (holding && ended.size < held.length) {
        for (const id of held) {
          if (ended.has(id)) continue;
          const s = (await stack.api("GET", `/browser-login/${id}`, { subject: a })).body;
          if (s.timeline?.awaiting_login && Date.now() - Date.parse(s.timeline.awaiting_login) >= HOLD_MS) {
            await stack.api("POST", `/browser-login/${id}/cancel`, { subject: a });
            ended.add(id);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const bDone = await waitFor(
      async () => {
        const s = (await stack.api("GET", `/browser-login/${bId}`, { subject: b })).body;
        return s.timeline?.awaiting_login ? s : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 50, what: "B's login page" },
    );
    const ms = Date.parse(bDone.timeline.awaiting_login) - Date.parse(bDone.timeline.queued);
    times.push(ms);
    // How many of A's sessions reached their login page before B's did.
    const aSessions = await Promise.all(
      held.map(async (id) => (await stack.api("GET", `/browser-login/${id}`, { subject: a })).body),
    );
    const aBefore = aSessions.filter(
      (s) =>
        s.timeline?.awaiting_login && Date.parse(s.timeline.awaiting_login) < Date.parse(bDone.timeline.awaiting_login),
    ).length;
    console.log(
      JSON.stringify({ run, accepted: held.length, refused: BURST - held.length, aBeforeB: aBefore, bLoginPageMs: ms }),
    );
    holding = false;
    await ender;
    for (const id of held) await stack.api("POST", `/browser-login/${id}/cancel`, { subject: a });
    await stack.api("POST", `/browser-login/${bId}/cancel`, { subject: b });
  }
} finally {
  await stack.close();
}
const sorted = [...times].sort((x, y) => x - y);
console.log(
  JSON.stringify({
    slots: SLOTS,
    burst: BURST,
    holdMs: HOLD_MS,
    maxPerSubject: MAX,
    bLoginPageMs: { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1) },
    loadavg: { before: loadBefore, after: load() },
  }),
);
