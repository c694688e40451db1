import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";
import { type ServiceProcess, spawnService } from "./service-process.ts";
import type { TestStack } from "./test-stack.ts";

/** Another API process (src/bin/api.ts) on the stack's Redis: it shares nothing with the first but Redis. */
export async function startSecondApi(
  stack: TestStack,
  env: Record<string, string> = {},
): Promise<{ baseUrl: string; process: ServiceProcess }> {
  const port = await freePort();
  const process = spawnService("src/bin/api.ts", {
    NODE_ENV: "test",
    REDIS_URL: stack.redis.url,
    API_KEYS: stack.apiKey,
    ENCRYPTION_KEYS: stack.config.ENCRYPTION_KEYS!,
    DATA_DIR: mkdtempSync(join(tmpdir(), "blc-api2-")),
    HOST: "127.0.0.1",
    PORT: String(port),
    ...env,
  });
  await process.waitForOutput("API listening", 30_000);
  return { baseUrl: `http://127.0.0.1:${port}`, process };
}
