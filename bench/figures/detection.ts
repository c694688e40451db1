import type { Frame, Page, Request } from "playwright-core";
import { DEMO_USER } from "../../src/demo/demo-site.js";
import type { BenchStack } from "../lib/stack.js";
import { pollUntil, span, startSession } from "../lib/sessions.js";
import { summarize } from "../lib/stats.js";

/**
 * In the page: log in without leaving it (the fixture's JSON login sets the HttpOnly session
 * cookie), then navigate to the success URL. The page stamps the navigation with its own Date.now()
 * (same machine, same clock as the bench and the worker) in the URL's query, which the success
 * condition ignores; the stamp is read back from the navigation request, since the evaluate itself
 * may lose its answer to the navigation.
 */
async function logInThenNavigate(page: Page): Promise<number> {
  const stamped = new Promise<number>((resolve) => {
    const onRequest = (request: Request) => {
      const at = new URL(request.url()).searchParams.get("navAt");
      if (!at || !request.isNavigationRequest()) return;
      page.off("request", onRequest);
      resolve(Number(at));
    };
    page.on("request", onRequest);
  });
  await page
    .evaluate(async (user) => {
      const res = await fetch("/api/spa-login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(user) });
      if (!res.ok) throw new Error(`login refused: ${res.status}`);
      location.href = `/dashboard?navAt=${Date.now()}`;
    }, DEMO_USER)
    .catch((error: Error) => {
      if (!/context was destroyed|navigat/i.test(error.message)) throw error;
    });
  return stamped;
}

/** Date.now() when this Playwright client sees the page's main frame commit to the dashboard. */
function dashboardCommitted(page: Page): Promise<number> {
  return new Promise((resolve) => {
    const onNavigated = (frame: Frame) => {
      if (frame !== page.mainFrame() || new URL(frame.url()).pathname !== "/dashboard") return;
      page.off("framenavigated", onNavigated);
      resolve(Date.now());
    };
    page.on("framenavigated", onNavigated);
  });
}

/**
 * Figure 2: detection latency for a URL-only success condition (provider `bench-url`, settleMs 0).
 * From the page's own navigation to the success URL to `authenticated` seen through the API:
 * - first poll: GET /browser-login/:id every 5 ms; the first answer past `awaiting_login`;
 * - timeline: the worker's `timeline.authenticated` timestamp (when it decided, before the write).
 * Bare: Playwright's own `framenavigated` event for the same navigation, as seen by the scripted
 * user's Playwright (connected to the worker's browser over CDP). Also, for reference, the same
 * navigation in the separate bare browser, which has no second DevTools client slowing its pages.
 */
export async function measureDetection(stack: BenchStack, reps: number, warmup: number) {
  const user = await stack.user();
  const byPoll: number[] = [];
  const byTimeline: number[] = [];
  const sameNavigation: number[] = [];
  const bareBrowser: number[] = [];
  const completed: number[] = [];
  for (let i = -warmup; i < reps; i++) {
    const { tag, view } = await startSession(stack, "bench-url", stack.site.loginUrl, 10_000);
    const page = await user.findPage((u) => u.includes(tag));
    const committed = dashboardCommitted(page);
    const navAt = await logInThenNavigate(page);
    const seen = await pollUntil(stack, view.sessionId, (v) => v.status !== "awaiting_login", { intervalMs: 5, timeoutMs: 10_000 });
    const committedAt = await committed;
    const done = await pollUntil(stack, view.sessionId, (v) => v.status === "completed");
    const bareMs = await bareDetection(stack);
    if (i < 0) continue;
    byPoll.push(seen.seenAt - navAt);
    byTimeline.push(Date.parse(done.view.timeline.authenticated!) - navAt);
    sameNavigation.push(committedAt - navAt);
    completed.push(span(done.view, "authenticated", "completed"));
    bareBrowser.push(bareMs);
  }
  return {
    firstPoll: summarize(byPoll),
    timeline: summarize(byTimeline),
    bare: summarize(sameNavigation),
    bareBrowser: summarize(bareBrowser),
    breakdown: { "authenticated→completed": summarize(completed) },
    samples: { firstPoll: byPoll, timeline: byTimeline, bare: sameNavigation, bareBrowser },
  };
}

async function bareDetection(stack: BenchStack): Promise<number> {
  const context = await stack.bare.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(`${stack.site.loginUrl}?tag=bare`, { waitUntil: "load" });
    const committed = dashboardCommitted(page);
    const navAt = await logInThenNavigate(page);
    return (await committed) - navAt;
  } finally {
    await context.close();
  }
}
