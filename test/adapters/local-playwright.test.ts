import { createLocalPlaywrightAdapter } from "../../src/adapters/browser/local-playwright/local-playwright-adapter.js";
import { freePort } from "../helpers/free-port.js";
import { describeBrowserAdapter } from "./adapter-conformance.js";

describeBrowserAdapter("local Playwright", async () => {
  const port = await freePort();
  return {
    adapter: createLocalPlaywrightAdapter({ headless: true, remoteDebuggingPort: port }),
    cdpEndpoint: `http://127.0.0.1:${port}`,
    teardown: async () => {},
  };
});
