import { randomUUID } from "node:crypto";
import type { BrowserAdapter } from "../../src/browser/browser-adapter.ts";
import { createLocalPlaywrightAdapter } from "../../src/browser/local-playwright/local-playwright-adapter.ts";
import { watchForSuccess } from "../../src/browser-login/worker/success-watcher.ts";
import { withDeadline } from "../../src/core/deadline.ts";
import { createRedisConnection, waitUntilReady } from "../../src/core/redis/redis-connection.ts";
import type { CapturedState } from "../../src/credentials/captured-state.ts";
import { type CredentialVault, createCredentialVault } from "../../src/credentials/credential-vault.ts";
import { createRedisCredentialStore } from "../../src/credentials/store/redis/redis-credential-store.ts";
import { createEnvelopeCipher } from "../../src/crypto/envelope-cipher.ts";
import { createKeyRing } from "../../src/crypto/key-ring.ts";
import { parseKeyRing } from "../../src/crypto/key-source.ts";
import { DEMO_USER } from "../../src/demo/demo-site.ts";
import { connectScriptedUser } from "../../src/demo/scripted-user.ts";
import { createProviderRegistry } from "../../src/providers/provider-registry.ts";
import type { BrowserLoginProvider } from "../../src/providers/provider-schema.ts";
import type { Resources } from "../lib/resources.ts";
import { pollUntil, SETTLE_MS, span, startSession } from "../lib/sessions.ts";
import { type BenchStack, bulkProvider, freePort } from "../lib/stack.ts";
import { sleep, summarize } from "../lib/stats.ts";

type Counts = { cookies: number; localStorage: number; sessionStorage: number };

function counts(state: CapturedState): Counts {
  return {
    cookies: state.cookies.length,
    localStorage: state.origins.reduce((n, o) => n + o.localStorage.length, 0),
    sessionStorage: state.origins.reduce((n, o) => n + o.sessionStorage.length, 0),
  };
}

/**
 * Figure 3: capture + encrypt + store after a login on the bulk site (50 extra cookies, 200 extra
 * localStorage keys), measured three ways, interleaved in each repetition:
 * - service: `timeline.capturing` → `timeline.completed` of real sessions (capture, seal, the final write);
 * - pieces: the local adapter's session.capture() and vault.seal() called in this process;
 * - bare: context.storageState() plus a sessionStorage read (page.evaluate), run together.
 * All three start at the same moment: when DevTools reports the dashboard's last storage write
 * (the worker's success condition; the in-process run uses the worker's own watcher), while the
 * page may still be busy. All three read the SSO origin too, which no tab shows any more:
 * Playwright's storageState() opens a hidden tab for it, which is most of the time on every side.
 *
 * The scripted user leaves as soon as the form is submitted: the rest of the login runs in the
 * browser on its own, and the capture's hidden tab is not held until a second DevTools client
 * (the user) has attached to it, which no real user would be.
 */
export async function measureCapture(stack: BenchStack, resources: Resources, reps: number, warmup: number) {
  const inProcess = await startInProcess(stack, resources);
  const service: number[] = [];
  const before: number[] = [];
  const capture: number[] = [];
  const seal: number[] = [];
  const pieces: number[] = [];
  const bare: number[] = [];
  const captured: { service?: Counts; bare?: Counts } = {};
  try {
    for (let i = -warmup; i < reps; i++) {
      const s = await serviceCapture(stack);
      await sleep(SETTLE_MS);
      const p = await inProcess.capture();
      await sleep(SETTLE_MS);
      const b = await bareCapture(stack);
      captured.service = p.counts;
      captured.bare = b.counts;
      if (i < 0) continue;
      service.push(s.span);
      before.push(s.before);
      capture.push(p.capture);
      seal.push(p.seal);
      pieces.push(p.capture + p.seal);
      bare.push(b.ms);
    }
  } finally {
    await inProcess.close();
  }
  return {
    service: summarize(service),
    capturePlusSeal: summarize(pieces),
    bare: summarize(bare),
    breakdown: {
      "authenticated→capturing": summarize(before),
      "adapter capture()": summarize(capture),
      "vault seal() (encrypt + store)": summarize(seal),
    },
    captured,
    samples: { service, capturePlusSeal: pieces, bare },
  };
}

async function serviceCapture(stack: BenchStack) {
  const { tag, view } = await startSession(stack, "bench-bulk", stack.bulkSite.loginUrl, 10_000);
  const user = await stack.user();
  await user.logIn(await user.findPage((u) => u.includes(tag)));
  await stack.dropUser();
  const done = await pollUntil(stack, view.sessionId, (v) => v.status === "completed", { timeoutMs: 20_000 });
  return { span: span(done.view, "capturing", "completed"), before: span(done.view, "authenticated", "capturing") };
}

/** The same adapter and vault code the worker runs, in this process, to time each piece on its own. */
async function startInProcess(stack: BenchStack, resources: Resources) {
  const port = await freePort();
  const adapter: BrowserAdapter = createLocalPlaywrightAdapter({
    executablePath: stack.chromiumPath,
    headless: true,
    remoteDebuggingPort: port,
    spareContexts: 1,
  });
  resources.add("in-process adapter", () => adapter.close());
  const redis = createRedisConnection(stack.redis.url, "worker", "bench-capture");
  resources.add("in-process Redis connection", async () => void redis.disconnect());
  await Promise.all([adapter.warmUp(), waitUntilReady(redis)]);
  const vault: CredentialVault = createCredentialVault(
    createRedisCredentialStore(redis, "bench"),
    createEnvelopeCipher(createKeyRing(parseKeyRing(stack.encryptionKeys))),
  );
  const origins = [stack.bulkSite.appOrigin, stack.bulkSite.ssoOrigin];
  const provider = createProviderRegistry([bulkProvider(stack)]).get("bench-bulk") as BrowserLoginProvider;

  async function capture() {
    const tag = randomUUID();
    const sessionId = `bench_${tag}`;
    const session = await adapter.openSession({
      sessionId,
      loginUrl: `${stack.bulkSite.loginUrl}?tag=${tag}`,
      timeoutMs: 60_000,
    });
    // The worker's own detection, so that the capture starts at the same moment as in the service.
    const watcher = await watchForSuccess(session, provider);
    try {
      const user = await connectScriptedUser(`http://127.0.0.1:${port}`);
      try {
        await user.logIn(await user.findPage((u) => u.includes(tag)));
      } finally {
        await user.disconnect();
      }
      await withDeadline(watcher.succeeded, { ms: 15_000, what: "Detecting the bulk login", abandon: () => {} });
      const t0 = performance.now();
      const state = await session.capture({ origins });
      const t1 = performance.now();
      const sealed = await vault.seal({
        secret: { kind: "browser_login", state },
        owner: { userId: "bench-user" },
        providerId: "bench-bulk",
        sessionId,
      });
      const t2 = performance.now();
      await vault.delete(sealed.id);
      return { capture: t1 - t0, seal: t2 - t1, counts: counts(state) };
    } finally {
      watcher.stop();
      await session.close();
    }
  }

  return {
    capture,
    async close() {
      redis.disconnect();
      await adapter.close();
    },
  };
}

async function bareCapture(stack: BenchStack) {
  const context = await stack.bare.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    // The same signal the worker reacts to: DevTools reports the dashboard's last storage write.
    const cdp = await context.newCDPSession(page);
    const written = new Promise<void>((resolve) =>
      cdp.on("DOMStorage.domStorageItemAdded", (event) => {
        if (event.key === "demo.profile") resolve();
      }),
    );
    await cdp.send("DOMStorage.enable");
    await page.goto(stack.bulkSite.loginUrl, { waitUntil: "load" });
    await page.locator("#username").fill(DEMO_USER.username);
    await page.locator("#password").fill(DEMO_USER.password);
    await page.locator("#submit").click();
    await withDeadline(written, {
      ms: 15_000,
      what: "Waiting for the bulk dashboard to write demo.profile",
      abandon: () => {},
    });
    const t0 = performance.now();
    const [state, tabStorage] = await Promise.all([
      context.storageState(),
      page.evaluate(() =>
        Object.keys(sessionStorage).map((name) => ({ name, value: sessionStorage.getItem(name) ?? "" })),
      ),
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
