import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createApiClient } from "@browser-login-capture/client";
import { restoreSession } from "@browser-login-capture/client/playwright";
import { chromium } from "playwright-core";
import { launchChromium } from "../browser/local-playwright/chromium-launch.ts";
import { createLogger } from "../core/logging/logger.ts";
import { connectScriptedUser } from "../demo/scripted-user.ts";
import { startLocalStack } from "../service/local-stack.ts";
import { loadConfigOrExit, runService } from "../service/run-process.ts";

/**
 * `npm run demo`: the main job in one command. Starts the service, starts a login on the bundled
 * demo site, lets a scripted user log in, prints what was captured, then restores it into a fresh
 * browser and shows the site logged in.
 */
const config = loadConfigOrExit({ LOG_LEVEL: "warn", BROWSER_DEBUG_PORT: "9333", DEMO_SITE: "true", ...process.env });
const debugPort = config.BROWSER_DEBUG_PORT!;
const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const stack = await runService({
  config,
  logger,
  start: (fatal) => startLocalStack(config, logger, { onFatal: fatal }),
});
const say = (line: string) => process.stdout.write(`${line}\n`);

try {
  const api = createApiClient({
    baseUrl: stack.baseUrl,
    apiKey: stack.apiKey ?? config.API_KEYS![0]!,
    subject: { userId: "demo-user" },
  });
  /** The body of a 2xx; an error answer stops the demo with its code and message. */
  const ok = <T>({ data, error }: { data?: T; error?: { error: { code: string; message: string } } }): T => {
    if (data === undefined) throw new Error(`the API answered ${error?.error.code}: ${error?.error.message}`);
    return data;
  };

  say("1. The app asks for a login session on the demo site");
  const started = ok(
    await api.POST("/browser-login/start", { params: { query: { wait: 10_000 } }, body: { providerId: "demo" } }),
  );
  say(`   session ${started.sessionId}: ${started.status}`);

  say("2. The user logs in, in the browser the worker opened (here a script types alice / correct-horse)");
  const user = await connectScriptedUser(`http://127.0.0.1:${debugPort}`);
  await user.logIn(await user.findPage((url) => url.startsWith(stack.demo!.loginUrl)));
  await user.disconnect();

  let status = started;
  const deadline = Date.now() + 30_000;
  while (status.status !== "completed" && Date.now() < deadline) {
    if (["failed", "expired", "cancelled"].includes(status.status))
      throw new Error(`session ended: ${JSON.stringify(status.error)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    status = ok(await api.GET("/browser-login/{id}", { params: { path: { id: started.sessionId } } }));
  }
  say(`3. The worker saw the login and captured it: ${status.status}, credential ${status.credentialId}`);

  const { storageState } = ok(
    await api.GET("/credentials/{id}/storage-state", { params: { path: { id: status.credentialId! } } }),
  );
  say("4. What was captured (values stay encrypted in Redis; shown here by name only):");
  say(
    `   cookies: ${storageState.cookies.map((c) => `${c.name}@${c.domain}${c.httpOnly ? " (HttpOnly)" : ""}`).join(", ")}`,
  );
  for (const origin of storageState.origins) {
    say(
      `   ${origin.origin}: localStorage [${origin.localStorage.map((i) => i.name).join(", ")}], sessionStorage [${origin.sessionStorage.map((i) => i.name).join(", ")}]`,
    );
  }

  say("5. Restoring it into a fresh browser:");
  const { browser } = await launchChromium(chromium, {
    executablePath: config.CHROMIUM_PATH,
    window: "headless",
    sandbox: config.CHROMIUM_SANDBOX,
    user: config.CHROMIUM_USER,
    passEnvironment: config.CHROMIUM_ENV,
  });
  try {
    const page = await (await restoreSession(browser, storageState)).context.newPage();
    await page.goto(`${stack.demo!.appOrigin}/dashboard`);
    say(`   ${stack.demo!.appOrigin}/dashboard says: "${await page.locator("#welcome").textContent()}"`);
    mkdirSync(config.DATA_DIR, { recursive: true });
    const shot = join(config.DATA_DIR, "demo-restored.png");
    await page.screenshot({ path: shot });
    say(`   screenshot: ${shot}`);
  } finally {
    await browser.close();
  }
} finally {
  await stack.close();
}
process.exit(0);
