import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { BrowserAdapter } from "../adapters/browser/browser-adapter.ts";
import { createLocalPlaywrightAdapter } from "../adapters/browser/local-playwright/local-playwright-adapter.ts";
import type { Config } from "../config.ts";

/** Turns validated configuration into the parts the API and the worker are built from. */

// The cipher needs no browser: the rotate-keys CLI imports it from crypto/ without loading Playwright.
export { buildCipher } from "../crypto/build-cipher.ts";

/** API keys from API_KEYS, or in development one generated into the data folder and printed once. */
export function resolveApiKeys(config: Config, logger: Logger): { keys: string[]; generated?: string } {
  if (config.API_KEYS?.length) return { keys: config.API_KEYS };
  if (config.NODE_ENV === "production") throw new Error("API_KEYS is required in production");
  const path = join(config.DATA_DIR, "api-key");
  if (!existsSync(path)) {
    mkdirSync(config.DATA_DIR, { recursive: true });
    writeFileSync(path, `dev_${randomBytes(24).toString("hex")}\n`, { mode: 0o600 });
  }
  chmodSync(path, 0o600);
  const key = readFileSync(path, "utf8").trim();
  logger.warn({ path }, "No API_KEYS set: using a development API key from the data folder");
  return { keys: [key], generated: key };
}

export function shouldRunHeadless(config: Config): boolean {
  if (config.HEADLESS === "true") return true;
  if (config.HEADLESS === "false") return false;
  return config.NODE_ENV === "production" || !config.DISPLAY;
}

export async function buildBrowserAdapter(config: Config, logger: Logger): Promise<BrowserAdapter> {
  if (config.BROWSER_ADAPTER === "browserbase") {
    // Loaded only when chosen: local mode does not pay for Stagehand at start-up.
    const { createBrowserbaseAdapter } = await import("../adapters/browser/browserbase/browserbase-adapter.ts");
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
      log: ({ level, message }) => logger[level === "error" ? "warn" : "debug"]({ source: "stagehand" }, message),
    });
  }
  return createLocalPlaywrightAdapter({
    executablePath: config.CHROMIUM_PATH,
    headless: shouldRunHeadless(config),
    remoteDebuggingPort: config.BROWSER_DEBUG_PORT,
    spareContexts: config.SPARE_CONTEXTS,
    navigationTimeoutMs: config.NAVIGATION_TIMEOUT_MS,
  });
}
