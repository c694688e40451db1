import type { Frame, Page } from "playwright-core";
import { DEMO_USER } from "../../src/demo/demo-site.ts";
import { pollUntil, SETTLE_MS, type SessionView, span, startSession } from "../lib/sessions.ts";
import type { BenchStack } from "../lib/stack.ts";
import { sleep, summarize } from "../lib/stats.ts";

/** How long after being scheduled the page logs in and navigates: time for the scripted user to leave. */
const NAVIGATE_AFTER_MS = 400;
/**
 * A person needs seconds to log in; the bench waits one before acting, so that the worker has
 * finished what it does right after the page is up (making its next spare context) as it would have.
 */
export const USER_PAUSE_MS = 1000;

/**
 * Makes the page, `NAVIGATE_AFTER_MS` from now, log in without leaving (the fixture's JSON login
 * sets the HttpOnly session cookie), then navigate to the success URL. The page stamps the moment
 * it starts the navigation with its own Date.now() (same machine, same clock as the bench and the
 * worker), in the URL's query (ignored by the success condition) and in sessionStorage, which the
 * service captures and the bench reads back from the credential.
 */
export async function scheduleLoginThenNavigate(page: Page): Promise<void> {
  await page.evaluate(
    ({ user, after }) => {
      setTimeout(async () => {
        const res = await fetch("/api/spa-login", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(user),
        });
        if (!res.ok) throw new Error(`login refused: ${res.status}`);
        const at = Date.now();
        sessionStorage.setItem("bench.navAt", String(at));
        location.href = `/dashboard?navAt=${at}`;
      }, after);
    },
    { user: DEMO_USER, after: NAVIGATE_AFTER_MS },
  );
}

/** Date.now() when this Playwright client sees the page's main frame commit to the dashboard, and the page's stamp. */
function dashboardCommitted(page: Page): Promise<{ at: number; navAt: number }> {
  return new Promise((resolve) => {
    const onNavigated = (frame: Frame) => {
      const url = new URL(frame.url());
      if (frame !== page.mainFrame() || url.pathname !== "/dashboard") return;
      page.off("framenavigated", onNavigated);
      resolve({ at: Date.now(), navAt: Number(url.searchParams.get("navAt")) });
    };
    page.on("framenavigated", onNavigated);
  });
}

/** The page's stamp, from the sessionStorage the service captured into the credential. */
export async function stampInCredential(stack: BenchStack, view: SessionView): Promise<number> {
  const res = await stack.api.GET("/credentials/{id}/storage-state", { params: { path: { id: view.credentialId! } } });
  const origins = res.data?.storageState.origins ?? [];
  const stamp = origins.flatMap((o) => o.sessionStorage ?? []).find((i) => i.name === "bench.navAt");
  if (!stamp) throw new Error(`credential ${view.credentialId} has no bench.navAt (status ${res.response.status})`);
  return Number(stamp.value);
}

/**
 * Figure 2: detection latency for a URL-only success condition (provider `bench-url`, settleMs 0).
 * From the page's own navigation to the success URL to `authenticated` seen through the API,
 * in alternate runs:
 * - first poll: GET /browser-login/:id every 5 ms; the first answer past `awaiting_login`;
 * - timeline: the worker's `timeline.authenticated` timestamp (when it decided, before the write),
 *   in runs where the bench polls only every 250 ms: 200 polls a second are load of their own on
 *   two cores, and slowed the very navigation being timed by about 15 ms.
 * The scripted user only schedules the navigation in the page and detaches before it happens: a
 * second DevTools client on the page (Playwright over CDP) makes the navigation itself about three
 * times slower, which no real user would cause.
 * Bare: Playwright's own `framenavigated` event for the same page script in the bare browser.
 */
export async function measureDetection(stack: BenchStack, reps: number, warmup: number) {
  const byPoll: number[] = [];
  const byTimeline: number[] = [];
  const timelineWhilePolling: number[] = [];
  const bare: number[] = [];
  const completed: number[] = [];
  for (let i = -warmup; i < reps; i++) {
    const tight = i % 2 === 0;
    const { tag, view } = await startSession(stack, "bench-url", stack.site.loginUrl, 10_000);
    await sleep(USER_PAUSE_MS);
    const user = await stack.user();
    await scheduleLoginThenNavigate(await user.findPage((u) => u.includes(tag)));
    await stack.dropUser();
    const seen = await pollUntil(stack, view.sessionId, (v) => v.status !== "awaiting_login", {
      intervalMs: tight ? 5 : 250,
      timeoutMs: 10_000,
    });
    const done = await pollUntil(stack, view.sessionId, (v) => v.status === "completed");
    const navAt = await stampInCredential(stack, done.view);
    await sleep(SETTLE_MS);
    const bareMs = await bareDetection(stack);
    await sleep(200);
    if (i < 0) continue;
    const decided = Date.parse(done.view.timeline.authenticated!) - navAt;
    if (tight) {
      byPoll.push(seen.seenAt - navAt);
      timelineWhilePolling.push(decided);
    } else {
      byTimeline.push(decided);
    }
    completed.push(span(done.view, "authenticated", "completed"));
    bare.push(bareMs);
  }
  return {
    firstPoll: summarize(byPoll),
    timeline: summarize(byTimeline),
    bare: summarize(bare),
    breakdown: {
      "timeline, in the 5 ms polling runs": summarize(timelineWhilePolling),
      "authenticated→completed": summarize(completed),
    },
    samples: { firstPoll: byPoll, timeline: byTimeline, timelineWhilePolling, bare },
  };
}

export async function bareDetection(stack: BenchStack): Promise<number> {
  const context = await stack.bare.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(`${stack.site.loginUrl}?tag=bare`, { waitUntil: "load" });
    const committed = dashboardCommitted(page);
    await scheduleLoginThenNavigate(page);
    const { at, navAt } = await committed;
    return at - navAt;
  } finally {
    await context.close();
  }
}
