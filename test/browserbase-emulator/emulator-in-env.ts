import {
  type BrowserbaseEmulator,
  type BrowserbaseEmulatorOptions,
  startBrowserbaseEmulator,
} from "./browserbase-emulator.ts";

export interface EmulatorInEnv {
  emulator: BrowserbaseEmulator;
  /** Closes the emulator and puts BROWSERBASE_BASE_URL back as it was. */
  close(): Promise<void>;
}

/**
 * Starts the emulator and points Browserbase's clients at it: the SDK and Stagehand's own client read
 * only BROWSERBASE_BASE_URL, so the variable is set for the test file and restored by `close`.
 */
export async function startEmulatorInEnv(options: BrowserbaseEmulatorOptions = {}): Promise<EmulatorInEnv> {
  const hadBaseUrl = Object.hasOwn(process.env, "BROWSERBASE_BASE_URL");
  const previousBaseUrl = process.env.BROWSERBASE_BASE_URL;
  const emulator = await startBrowserbaseEmulator(options);
  process.env.BROWSERBASE_BASE_URL = emulator.baseUrl;
  return {
    emulator,
    async close() {
      try {
        await emulator.close();
      } finally {
        if (hadBaseUrl) process.env.BROWSERBASE_BASE_URL = previousBaseUrl;
        else delete process.env.BROWSERBASE_BASE_URL;
      }
    },
  };
}
