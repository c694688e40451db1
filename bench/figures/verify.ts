import { restoreSession } from "@browser-login-capture/client/playwright";
import type { BrowserContext } from "playwright-core";
import { fillStorageFromSeed, storageSeedOf } from "../../src/browser/storage-seed.ts";
import { timed } from "../lib/api-client.ts";
import { pollUntil, SETTLE_MS, startSession } from "../lib/sessions.ts";
import type { BenchStack } from "../lib/stack.ts";
import { sleep, summarize } from "../lib/stats.ts";

/**
 * Figure 9: verify time. One credential captured on the fixture site (bench-verify: the demo's
 * condition, and a verify declaration on /dashboard with settleMs 0), then alternately:
 * - service: POST /credentials/:id/verify?wait=60000 → its 200 (queue → worker → decrypt + audit →
 *   seeded context → load → condition → record + event → answer);
 * - bare: Playwright in the bench's own browser restores the same state (restoreSession: storageState
 *   + sessionStorage), loads the same page to `load`, reads its URL, closes the context.
 * - bare, seeded: the same with the technique the adapters use (new context, addCookies, an init script
 *   filling storage): Playwright's storageState restores localStorage by visiting each origin first.
 * A real provider's settleMs adds to the service's figure (it waits that long by design).
 */
export async function measureVerify(stack: BenchStack, reps: number, warmup: number) {
  const { tag, view } = await startSession(stack, "bench-verify", stack.site.loginUrl, 10_000);
  const user = await stack.user();
  await user.logIn(await user.findPage((u) => u.includes(tag)));
  await stack.dropUser();
  const { view: done } = await pollUntil(stack, view.sessionId, (v) => v.status === "completed");
  const id = done.credentialId!;
  const state = (await stack.api.GET("/credentials/{id}/storage-state", { params: { path: { id } } })).data!
    .storageState;
  const url = `${stack.site.appOrigin}/dashboard`;

  const service: number[] = [];
  const bare: number[] = [];
  const bareSeeded: number[] = [];
  const workerMs: number[] = [];
  const load = async (context: BrowserContext) => {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    if (!page.url().endsWith("/dashboard")) throw new Error(`bare restore landed on ${page.url()}`);
    await context.close();
  };
  for (let i = -warmup; i < reps; i++) {
    await sleep(SETTLE_MS);
    const res = await timed(() =>
      stack.api.POST("/credentials/{id}/verify", { params: { path: { id }, query: { wait: 60_000 } } }),
    );
    if (res.response.status !== 200 || res.data?.status !== "active")
      throw new Error(`verify answered ${res.response.status}: ${JSON.stringify(res.data ?? res.error)}`);
    await sleep(SETTLE_MS);
    const started = performance.now();
    await load((await restoreSession(stack.bare, state, { viewport: { width: 1280, height: 800 } })).context);
    const bareMs = performance.now() - started;
    await sleep(SETTLE_MS);
    const seededAt = performance.now();
    const context = await stack.bare.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies(state.cookies);
    await context.addInitScript(fillStorageFromSeed, storageSeedOf(state));
    await load(context);
    const seededMs = performance.now() - seededAt;
    if (i < 0) continue;
    service.push(res.ms);
    workerMs.push(res.data.ms ?? 0);
    bare.push(bareMs);
    bareSeeded.push(seededMs);
  }
  return {
    service: summarize(service),
    bare: summarize(bare),
    bareSeeded: summarize(bareSeeded),
    worker: summarize(workerMs),
    samples: { service, bare, bareSeeded, workerMs },
  };
}
