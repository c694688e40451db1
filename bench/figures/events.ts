import { openSse, type SseEvent } from "../../test/helpers/sse-client.ts";
import { startWebhookReceiver } from "../../test/helpers/webhook-receiver.ts";
import { SETTLE_MS, type SessionView, startSession } from "../lib/sessions.ts";
import type { BenchStack } from "../lib/stack.ts";
import { sleep, summarize } from "../lib/stats.ts";
import { bareDetection, scheduleLoginThenNavigate, stampInCredential, USER_PAUSE_MS } from "./detection.ts";

/** The statuses a client sees happen live (the ones before are on screen before it connects). */
const LIVE = ["authenticated", "capturing", "completed"] as const;

/**
 * Figure 7: push latency. Per login (the same page script as figure 2), an SSE client on
 * GET /browser-login/:id/events and a webhook receiver on loopback (an endpoint for the session
 * events) note when each status arrives; the status changed at the worker's `timeline` stamp
 * (taken just before the Lua write that logs the event). Detection through SSE: the page's own
 * navigation stamp → the session.authenticated event at the client; bare: Playwright's
 * framenavigated for the same page script in the bare browser (as figure 2).
 */
export async function measureEvents(stack: BenchStack, reps: number, warmup: number) {
  const receiver = await startWebhookReceiver(stack.webhookPort);
  const endpoint = await stack.api.POST("/webhooks/endpoints", {
    body: { url: receiver.url("/bench"), events: LIVE.map((s) => `session.${s}` as const) },
  });
  if (!endpoint.data)
    throw new Error(
      `creating the webhook endpoint answered ${endpoint.response.status}: ${JSON.stringify(endpoint.error)}`,
    );
  const toSse: number[] = [];
  const toWebhook: number[] = [];
  const detection: number[] = [];
  const bare: number[] = [];
  try {
    for (let i = -warmup; i < reps; i++) {
      const { tag, view } = await startSession(stack, "bench-url", stack.site.loginUrl, 10_000);
      const sse = await openSse(`${stack.api.baseUrl}/browser-login/${view.sessionId}/events`, stack.api.headers);
      await sleep(USER_PAUSE_MS);
      const user = await stack.user();
      await scheduleLoginThenNavigate(await user.findPage((u) => u.includes(tag)));
      await stack.dropUser();
      await sse.waitForEnd(15_000);
      const final = JSON.parse(sse.events.at(-1)!.data) as SessionView;
      if (final.status !== "completed") throw new Error(`session ended ${final.status}`);
      const hooks = () => receiver.received.filter((r) => r.body.includes(view.sessionId));
      const deadline = Date.now() + 10_000;
      while (hooks().length < LIVE.length && Date.now() < deadline) await sleep(20);
      const navAt = await stampInCredential(stack, final);
      await sleep(SETTLE_MS);
      const bareMs = await bareDetection(stack);
      await sleep(200);
      if (i < 0) continue;
      for (const status of LIVE) {
        const changedAt = Date.parse(final.timeline[status]!);
        const event = sse.events.find((e: SseEvent) => e.event === `session.${status}`);
        if (event) toSse.push(event.at - changedAt);
        const hook = hooks().find((r) => JSON.parse(r.body).type === `session.${status}`);
        if (hook) toWebhook.push(hook.at - changedAt);
      }
      const authenticated = sse.events.find((e) => e.event === "session.authenticated");
      if (authenticated) detection.push(authenticated.at - navAt);
      bare.push(bareMs);
    }
  } finally {
    await receiver.close();
  }
  return {
    toSse: summarize(toSse),
    toWebhook: summarize(toWebhook),
    detection: summarize(detection),
    bare: summarize(bare),
    samples: { toSse, toWebhook, detection, bare },
  };
}
