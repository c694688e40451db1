import { chromium, type Page, type Request } from "playwright-core";
import { createLocalPlaywrightAdapter } from "../src/adapters/browser/local-playwright/local-playwright-adapter.js";
import { CHROMIUM_ARGS, findChromium } from "../src/adapters/browser/local-playwright/chromium-path.js";
import { startDemoSite, DEMO_USER } from "../src/demo/demo-site.js";
import { connectScriptedUser } from "../src/demo/scripted-user.js";
import { createProviderRegistry } from "../src/providers/provider-registry.js";
import { watchForSuccess } from "../src/worker/success-watcher.js";
import { freePort } from "./lib/stack.js";

const site = await startDemoSite();
const port = await freePort();
const adapter = createLocalPlaywrightAdapter({ headless: true, remoteDebuggingPort: port, spareContexts: 1 });
await adapter.warmUp();
const user = await connectScriptedUser(`http://127.0.0.1:${port}`);
const provider = createProviderRegistry([{ id: "u", name: "u", loginUrl: site.loginUrl, success: { url: { pathname: "/dashboard" } } }]).get("u")!;

async function nav(page: Page) {
  const stamped = new Promise<number>((resolve) => {
    const on = (r: Request) => { const at = new URL(r.url()).searchParams.get("navAt"); if (at && r.isNavigationRequest()) { page.off("request", on); resolve(Number(at)); } };
    page.on("request", on);
  });
  await page.evaluate(async (u) => {
    const res = await fetch("/api/spa-login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(u) });
    location.href = `/dashboard?navAt=${Date.now()}`;
  }, DEMO_USER).catch(() => {});
  return stamped;
}

for (let i = 0; i < 8; i++) {
  const tag = `t${i}`;
  const t0 = performance.now();
  const s = await adapter.openSession({ sessionId: tag, loginUrl: `${site.loginUrl}?tag=${tag}`, timeoutMs: 60000 });
  const openMs = performance.now() - t0;
  let navEvent = 0;
  s.onEvent((e) => { if (e.type === "navigated" && e.url.includes("/dashboard")) navEvent = Date.now(); });
  const w = await watchForSuccess(s, provider);
  const page = await user.findPage((u) => u.includes(tag));
  const succeeded = w.succeeded.then(() => Date.now());
  const navAt = await nav(page);
  const ok = await succeeded;
  console.log(`open ${openMs.toFixed(0)} navigated ${navEvent - navAt} succeeded ${ok - navAt}`);
  await s.close();
}
// bare with / without extra CDP client
const bare = await chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });
for (const extra of [false, true, false, true, false, true]) {
  const ctx = await bare.newContext();
  const page = await ctx.newPage();
  if (extra) { const cdp = await ctx.newCDPSession(page); await cdp.send("DOMStorage.enable"); page.on("response", (r) => r.headers()); }
  await page.goto(site.loginUrl);
  const fn = new Promise<number>((r) => page.on("framenavigated", (f) => { if (f.url().includes("/dashboard")) r(Date.now()); }));
  const navAt = await nav(page);
  console.log(`bare extra=${extra} framenavigated ${(await fn) - navAt}`);
  await ctx.close();
}
await bare.close();
await user.disconnect();
await adapter.close();
await site.close();
