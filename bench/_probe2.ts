import { chromium } from "playwright-core";
import { createLocalPlaywrightAdapter } from "../src/adapters/browser/local-playwright/local-playwright-adapter.js";
import { CHROMIUM_ARGS, findChromium } from "../src/adapters/browser/local-playwright/chromium-path.js";
import { startDemoSite } from "../src/demo/demo-site.js";

const site = await startDemoSite();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const adapter = createLocalPlaywrightAdapter({ headless: true, spareContexts: 1 });
await adapter.warmUp();
for (let i = 0; i < 6; i++) {
  await sleep(1000);
  const t0 = performance.now();
  const s = await adapter.openSession({ sessionId: `s${i}`, loginUrl: `${site.loginUrl}?tag=${i}`, timeoutMs: 60000 });
  console.log(`adapter open ${(performance.now() - t0).toFixed(0)}`);
  await s.close();
}
await adapter.close();
const bare = await chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });
for (let i = 0; i < 6; i++) {
  const ctx = await bare.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await sleep(1000);
  const t0 = performance.now();
  const cdp = await ctx.newCDPSession(page);
  const t1 = performance.now();
  await cdp.send("DOMStorage.enable");
  const t2 = performance.now();
  await page.goto(`${site.loginUrl}?x=${i}`, { waitUntil: "load" });
  const t3 = performance.now();
  const p2 = await ctx.newPage();
  const t4 = performance.now();
  await p2.goto(`${site.loginUrl}?y=${i}`, { waitUntil: "load" });
  const t5 = performance.now();
  console.log(`cdp ${(t1 - t0).toFixed(0)} enable ${(t2 - t1).toFixed(0)} goto ${(t3 - t2).toFixed(0)} | newPage ${(t4 - t3).toFixed(0)} goto2 ${(t5 - t4).toFixed(0)}`);
  await ctx.close();
}
await bare.close();
await site.close();
