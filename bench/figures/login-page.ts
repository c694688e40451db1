import { cancel, pollUntil, SETTLE_MS, span, startSession } from "../lib/sessions.ts";
import type { BenchStack } from "../lib/stack.ts";
import { sleep, summarize } from "../lib/stats.ts";

/**
 * Figure 1: time to a login page the user can use.
 * Service: POST /browser-login/start?wait=10000 → the answer showing `awaiting_login` (the API holds
 * the request until the worker moves the session past `starting`, woken by Redis pub/sub). No
 * scripted user is connected, as in production; each session is cancelled right after.
 * Bare: newContext + newPage + goto(loginUrl) in the already running bare browser.
 * The person's place: the same start with a locale and time zone (as the connect page sends them),
 * which a spare context (made with the deployment's defaults) cannot serve: the cost of the identity.
 */
/** A person somewhere else than the deployment's defaults: their browser's language and zone. */
const PERSON = { locale: "fr-FR", timeZone: "Europe/Paris" };

export async function measureLoginPage(stack: BenchStack, reps: number, warmup: number) {
  await stack.dropUser();
  const service: number[] = [];
  const bare: number[] = [];
  const pickup: number[] = [];
  const open: number[] = [];
  const answer: number[] = [];
  const person: number[] = [];
  for (let i = -warmup; i < reps; i++) {
    const { view, ms } = await startSession(stack, "bench-url", stack.site.loginUrl, 10_000);
    const answeredAt = Date.now();
    if (view.status !== "awaiting_login") throw new Error(`start answered with status ${view.status}`);
    await cancel(stack, view.sessionId);
    // The worker closes the context and makes its next spare now: let it, so that neither side runs
    // while the other's browser is busy, as with arrivals a second or more apart.
    await settle(stack, view.sessionId);
    const bareMs = await bareLoginPage(stack, stack.site.loginUrl);
    await sleep(200);
    const placed = await startSession(stack, "bench-url", stack.site.loginUrl, 10_000, PERSON);
    if (placed.view.status !== "awaiting_login") throw new Error(`start answered with status ${placed.view.status}`);
    await cancel(stack, placed.view.sessionId);
    await settle(stack, placed.view.sessionId);
    if (i < 0) continue;
    person.push(placed.ms);
    service.push(ms);
    bare.push(bareMs);
    pickup.push(span(view, "queued", "starting"));
    open.push(span(view, "starting", "awaiting_login"));
    answer.push(answeredAt - Date.parse(view.timeline.awaiting_login!));
  }
  return {
    service: summarize(service),
    bare: summarize(bare),
    person: summarize(person),
    breakdown: {
      "queued→starting (queue pick-up)": summarize(pickup),
      "starting→awaiting_login (context + goto)": summarize(open),
      "awaiting_login→answer received (?wait wake-up)": summarize(answer),
    },
    samples: { service, bare, person },
  };
}

async function settle(stack: BenchStack, sessionId: string) {
  await pollUntil(stack, sessionId, (v) => v.status === "cancelled").catch(() => {});
  await sleep(SETTLE_MS);
}

export async function bareLoginPage(stack: BenchStack, loginUrl: string): Promise<number> {
  const started = performance.now();
  const context = await stack.bare.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(loginUrl, { waitUntil: "load" });
    return performance.now() - started;
  } finally {
    await context.close();
  }
}
