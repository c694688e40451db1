import { DEMO_USER } from "../../src/demo/demo-site.ts";
import { connectScriptedUser } from "../../src/demo/scripted-user.ts";
import { FINAL, pollUntil, startSession } from "../lib/sessions.ts";
import type { BenchStack } from "../lib/stack.ts";
import { mapLimit, summarize } from "../lib/stats.ts";

/**
 * Figure 6: completed logins per minute on one worker: `total` logins by `users` scripted users at
 * a time, each doing start (?wait=10000) → type and submit the form → poll every 50 ms until
 * completed. Provider `bench-demo` (the bundled demo's condition: URL and a storage key).
 * A scripted user is a DevTools client attached to every tab of the worker's browser, and new tabs
 * (the capture's hidden one) wait until it has attached: each user connects to type and leaves.
 * Bare: the same logins in the bare browser: new context, goto, type, submit, wait for the
 * dashboard's storage key, storageState + sessionStorage, close.
 */
export async function measureThroughput(stack: BenchStack, total: number, users: number) {
  await stack.dropUser();
  const perLogin: number[] = [];
  const outcomes: Record<string, number> = {};
  const t0 = Date.now();
  await mapLimit(Array.from({ length: total }), users, async () => {
    const started = Date.now();
    let status = "error";
    try {
      const { tag, view } = await startSession(stack, "bench-demo", stack.site.loginUrl, 10_000);
      // Each user attaches only while typing (see above), as a person at the window would.
      const user = await connectScriptedUser(stack.cdpEndpoint);
      try {
        await user.logIn(await user.findPage((u) => u.includes(tag)));
      } finally {
        await user.disconnect();
      }
      status = (
        await pollUntil(stack, view.sessionId, (v) => FINAL.has(v.status), { intervalMs: 50, timeoutMs: 30_000 })
      ).view.status;
    } catch (error) {
      status = `error: ${(error as Error).message.split("\n")[0]}`;
    }
    outcomes[status] = (outcomes[status] ?? 0) + 1;
    if (status === "completed") perLogin.push(Date.now() - started);
  });
  const elapsedMs = Date.now() - t0;

  const b0 = Date.now();
  const barePerLogin = await mapLimit(Array.from({ length: total }), users, () => bareLogin(stack));
  const bareElapsedMs = Date.now() - b0;
  const completed = outcomes.completed ?? 0;
  return {
    total,
    users,
    completed,
    outcomes,
    elapsedMs,
    perMinute: Math.round((completed / elapsedMs) * 60_000),
    perLogin: summarize(perLogin),
    bare: {
      elapsedMs: bareElapsedMs,
      perMinute: Math.round((total / bareElapsedMs) * 60_000),
      perLogin: summarize(barePerLogin),
    },
  };
}

async function bareLogin(stack: BenchStack): Promise<number> {
  const started = Date.now();
  const context = await stack.bare.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(stack.site.loginUrl, { waitUntil: "load" });
    await page.locator("#username").fill(DEMO_USER.username);
    await page.locator("#password").fill(DEMO_USER.password);
    await page.locator("#submit").click();
    await page.waitForURL("**/dashboard");
    await page.waitForFunction(() => localStorage.getItem("demo.profile") !== null);
    await Promise.all([context.storageState(), page.evaluate(() => Object.keys(sessionStorage).length)]);
    return Date.now() - started;
  } finally {
    await context.close();
  }
}
