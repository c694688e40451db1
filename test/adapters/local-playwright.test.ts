import { createLocalPlaywrightAdapter } from "../../src/adapters/browser/local-playwright/local-playwright-adapter.js";
import { freePort } from "../helpers/free-port.js";
import { describeBrowserAdapter } from "./adapter-conformance.js";

// Headed, as in development, when a display is there (`npm test` runs under xvfb-run); the flow tests run headless.
const headless = !process.env.DISPLAY;

describeBrowserAdapter(`local Playwright (${headless ? "headless" : "headed"})`, async () => {
  const port = await freePort();
  return {
    adapter: createLocalPlaywrightAdapter({ headless, remoteDebuggingPort: port }),
    cdpEndpoint: `http://127.0.0.1:${port}`,
    teardown: async () => {},
  };
});
