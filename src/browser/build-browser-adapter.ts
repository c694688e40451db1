import type { Logger } from "pino";
import type { Config } from "../core/config.ts";
import type { BrowserAdapter } from "./browser-adapter.ts";
import { createLocalPlaywrightAdapter } from "./local-playwright/local-playwright-adapter.ts";

/** Headless unless asked otherwise, or, by default, when there is a display outside production. */
export function shouldRunHeadless(config: Config): boolean {
  if (config.HEADLESS === "true") return true;
  if (config.HEADLESS === "false") return false;
  return config.NODE_ENV === "production" || !config.DISPLAY;
}

/** The adapter BROWSER_ADAPTER names, from validated configuration. */
export async function buildBrowserAdapter(config: Config, logger: Logger): Promise<BrowserAdapter> {
  if (config.BROWSER_ADAPTER === "browserbase") {
    // Loaded only when chosen: local mode does not pay for Stagehand at start-up.
    const { createBrowserbaseAdapter } = await import("./browserbase/browserbase-adapter.ts");
    return createBrowserbaseAdapter({
      apiKey: config.BROWSERBASE_API_KEY!,
      projectId: config.BROWSERBASE_PROJECT_ID!,
      region: config.BROWSERBASE_REGION,
      keepAlive: config.BROWSERBASE_KEEP_ALIVE,
      proxies: config.BROWSERBASE_PROXIES,
      contextId: config.BROWSERBASE_CONTEXT_ID,
      sessionCreateTimeoutMs: config.BROWSERBASE_CREATE_TIMEOUT_MS,
      navigationTimeoutMs: config.NAVIGATION_TIMEOUT_MS,
      pollIntervalMs: config.BROWSERBASE_POLL_INTERVAL_MS,
      browserSettings: config.BROWSERBASE_BROWSER_SETTINGS,
      log: ({ level, message }) => logger[level === "error" ? "warn" : "debug"]({ source: "stagehand" }, message),
    });
  }
  return createLocalPlaywrightAdapter({
    executablePath: config.CHROMIUM_PATH,
    headless: shouldRunHeadless(config),
    remoteDebuggingPort: config.BROWSER_DEBUG_PORT,
    spareContexts: config.SPARE_CONTEXTS,
    navigationTimeoutMs: config.NAVIGATION_TIMEOUT_MS,
    sandbox: config.CHROMIUM_SANDBOX,
    sandboxUser: config.CHROMIUM_USER,
    passEnvironment: config.CHROMIUM_ENV,
    defaults: {
      locale: config.BROWSER_LOCALE,
      timeZone: config.BROWSER_TIME_ZONE,
      webgl:
        config.BROWSER_WEBGL_VENDOR && config.BROWSER_WEBGL_RENDERER
          ? { vendor: config.BROWSER_WEBGL_VENDOR, renderer: config.BROWSER_WEBGL_RENDERER }
          : undefined,
    },
    onLaunched: (sandbox) => {
      if (sandbox.on) logger.info({ sandbox: "on" }, "browser sandbox on");
      else logger.warn({ sandbox: "off", reason: sandbox.reason }, "browser sandbox OFF (docs/operations.md)");
    },
  });
}
