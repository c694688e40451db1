import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../core/config.ts";

/** Service keys from API_KEYS, or in development one generated into the data folder and printed once. */
export function resolveServiceKeys(config: Config, logger: Logger): { keys: string[]; generated?: string } {
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
