import { firedSignals, type Signal } from "../../test/fixtures/bot-signal-site.ts";
import { cancel, pollUntil } from "../lib/sessions.ts";
import type { BenchStack } from "../lib/stack.ts";

/**
 * Figure 13: what a site's scripts see of the browser, on the bot-signal page (BotD 2 offline and
 * about 45 tells, test/fixtures/bot-signals/). Service: a login session on that page in the
 * default configuration, nobody viewing it. Bare: the same page in bare Playwright's own headless
 * Chromium (playwright-core's defaults, as the service itself ran before docs/real-sites.md).
 * Input tells are not exercised here (no person); test/real-sites/bot-signals.test.ts does that.
 */
export async function measureBotSignals(stack: BenchStack) {
  await stack.dropUser();
  // The provider's own login URL, as an app's start without a loginUrl.
  const started = await stack.api.POST("/browser-login/start", {
    params: { query: { wait: 10_000 } },
    body: { providerId: "bench-bots" },
  });
  if (!started.data) throw new Error(`start answered ${started.response.status}`);
  const view = started.data;
  let service: Signal[];
  try {
    await pollUntil(stack, view.sessionId, (v) => v.status === "awaiting_login");
    service = await stack.bots.finish("service", 60_000);
  } finally {
    await cancel(stack, view.sessionId);
  }
  const context = await stack.bare.newContext({ viewport: { width: 1280, height: 800 } });
  let bare: Signal[];
  try {
    const page = await context.newPage();
    await page.goto(stack.bots.pageUrl("bare"));
    bare = await stack.bots.finish("bare", 60_000);
  } finally {
    await context.close();
  }
  const count = (signals: Signal[]) => {
    const fired = firedSignals(signals);
    return { hard: fired.filter((s) => !s.endsWith("(soft)")), soft: fired.filter((s) => s.endsWith("(soft)")) };
  };
  return { service: count(service), bare: count(bare) };
}
