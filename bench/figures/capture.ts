import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { createLocalPlaywrightAdapter } from "../../src/adapters/browser/local-playwright/local-playwright-adapter.js";
import type { CapturedState } from "../../src/credentials/captured-state.js";
import { createCredentialVault } from "../../src/credentials/credential-vault.js";
import { createRedisCredentialStore } from "../../src/credentials/redis-credential-store.js";
import { createAesGcmKeyRing } from "../../src/crypto/aes-gcm-key-ring.js";
import { parseKeyRing } from "../../src/crypto/key-source.js";
import { DEMO_USER } from "../../src/demo/demo-site.js";
import { connectScriptedUser, type ScriptedUser } from "../../src/demo/scripted-user.js";
import { createRedisConnection, waitUntilReady } from "../../src/redis/redis-connection.js";
import type { BenchStack } from "../lib/stack.js";
import { freePort } from "../lib/stack.js";
import { pollUntil, span, startSession } from "../lib/sessions.js";
import { summarize } from "../lib/stats.js";
import type { Resources } from "../lib/resources.js";

/** The dashboard of the bulk site has written everything once its last key is there. */
const loggedIn = (page: Page) => page.waitForFunction(() => localStorage.getItem("demo.profile") !== null, undefined, { timeout: 15_000 });

function counts(state: CapturedState) {
  return {
    cookies: state.cookies.length,
    localStorage: state.origins.reduce((n, o) => n + o.localStorage.length, 0),
    sessionStorage: state.origins.reduce((n, o) => n + o.sessionStorage.length, 0),
  };
}

/**
 * Figure 3: capture + encrypt + store after a login on the bulk site (50 extra cookies, 200 extra
 * localStorage keys), measured three ways:
 * - service: `timeline.capturing` → `timeline.completed` of real sessions (capture, seal, the final write);
 * - pieces: the local adapter's session.capture() and vault.seal() called in this process;
 * - bare: context.storageState() plus a sessionStorage read (page.evaluate), run together.
 */
export async function measureCapture(stack: BenchStack, resources: Resources, reps: number, warmup: number) {
  const service = await serviceCaptures(stack, reps, warmup);
  const pieces = await inProcessCaptures(stack, resources, reps, warmup);
  const bare: number[] = [];
  let bareCounts: ReturnType<typeof counts> | undefined;
  for (let i = -warmup; i < reps; i++) {
    const run = await bareCapture(stack);
    bareCounts = run.counts;
    if (i >= 0) bare.push(run.ms);
  }
  return {
    service: summarize(service.span),
    capturePlusSeal: summarize(pieces.total),
    bare: summarize(bare),
    breakdown: {
      "authenticated→capturing": summarize(service.before),
      "adapter capture()": summarize(pieces.capture),
      "vault seal() (encrypt + store)": summarize(pieces.seal),
    },
    captured: { service: pieces.counts, bare: bareCounts },
    samples: { service: service.span, capturePlusSeal: pieces.total, bare },
  };
}

async function serviceCaptures(stack: BenchStack, reps: number, warmup: number) {
  const user = await stack.user();
  const spans: number[] = [];
  const before: number[] = [];
  for (let i = -warmup; i < reps; i++) {
    const { tag, view } = await startSession(stack, "bench-bulk", stack.bulkSite.loginUrl, 10_000);
    await user.logIn(await user.findPage((u) => u.includes(tag)));
    const done = await pollUntil(stack, view.sessionId, (v) => v.status === "completed", { timeoutMs: 20_000 });
    if (i < 0) continue;
    spans.push(span(done.view, "capturing", "completed"));
    before.push(span(done.view, "authenticated", "capturing"));
  }
  return { span: spans, before };
}

/** The same adapter and vault code the worker runs, here, to time each piece on its own. */
async function inProcessCaptures(stack: BenchStack, resources: Resources, reps: number, warmup: number) {
  const port = await freePort();
  const adapter = createLocalPlaywrightAdapter({ executablePath: stack.chromiumPath, headless: true, remoteDebuggingPort: port, spareContexts: 1 });
  resources.add("in-process adapter", () => adapter.close());
  const redis = createRedisConnection(stack.redis.url, "worker", "bench-capture");
  resources.add("in-process Redis connection", async () => void redis.disconnect());
  let user: ScriptedUser | undefined;
  resources.add("in-process scripted user", async () => user?.disconnect());
  try {
    await Promise.all([adapter.warmUp(), waitUntilReady(redis)]);
    user = await connectScriptedUser(`http://127.0.0.1:${port}`);
    const vault = createCredentialVault(createRedisCredentialStore(redis, "bench"), createAesGcmKeyRing(parseKeyRing(stack.encryptionKeys)));
    const origins = [stack.bulkSite.appOrigin, stack.bulkSite.ssoOrigin];
    const capture: number[] = [];
    const seal: number[] = [];
    const total: number[] = [];
    let captured: ReturnType<typeof counts> | undefined;
    for (let i = -warmup; i < reps; i++) {
      const tag = randomUUID();
      const sessionId = `bench_${tag}`;
      const session = await adapter.openSession({ sessionId, loginUrl: `${stack.bulkSite.loginUrl}?tag=${tag}`, timeoutMs: 60_000 });
      try {
        const page = await user.findPage((u) => u.includes(tag));
        await user.logIn(page);
        await loggedIn(page);
        const t0 = performance.now();
        const state = await session.capture({ origins });
        const t1 = performance.now();
        const sealed = await vault.seal({ state, owner: { userId: "bench-user" }, providerId: "bench-bulk", sessionId });
        const t2 = performance.now();
        await vault.delete(sealed.id);
        captured = counts(state);
        if (i < 0) continue;
        capture.push(t1 - t0);
        seal.push(t2 - t1);
        total.push(t2 - t0);
      } finally {
        await session.close();
      }
    }
    return { capture, seal, total, counts: captured };
  } finally {
    await user?.disconnect();
    user = undefined;
    redis.disconnect();
    await adapter.close();
  }
}

async function bareCapture(stack: BenchStack) {
  const context = await stack.bare.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(stack.bulkSite.loginUrl, { waitUntil: "load" });
    await page.locator("#username").fill(DEMO_USER.username);
    await page.locator("#password").fill(DEMO_USER.password);
    await page.locator("#submit").click();
    await loggedIn(page);
    const t0 = performance.now();
    const [state, tabStorage] = await Promise.all([
      context.storageState(),
      page.evaluate(() => Object.keys(sessionStorage).map((name) => ({ name, value: sessionStorage.getItem(name) ?? "" }))),
    ]);
    const ms = performance.now() - t0;
    return {
      ms,
      counts: {
        cookies: state.cookies.length,
        localStorage: state.origins.reduce((n, o) => n + o.localStorage.length, 0),
        sessionStorage: tabStorage.length,
      },
    };
  } finally {
    await context.close();
  }
}
