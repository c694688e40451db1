import { afterAll, expect } from "vitest";
import { createBrowserbaseAdapter } from "../../src/browser/browserbase/browserbase-adapter.ts";
import type { BrowserbaseSession } from "../../src/browser/browserbase/browserbase-session.ts";
import type { BrowserbaseEmulator } from "../browserbase-emulator/browserbase-emulator.ts";
import { startEmulatorInEnv } from "../browserbase-emulator/emulator-in-env.ts";
import { leftoverChromiums } from "../browserbase-emulator/leftover-processes.ts";
import { describeBrowserAdapter } from "./adapter-conformance.ts";

let emulator: BrowserbaseEmulator | undefined;
let stillRunningAtTeardown: string[] = [];

describeBrowserAdapter("Browserbase through Stagehand (emulated control plane)", async () => {
  // Stagehand builds its own Browserbase client, which reads only BROWSERBASE_BASE_URL.
  const inEnv = await startEmulatorInEnv();
  emulator = inEnv.emulator;
  const bb = emulator;
  return {
    adapter: createBrowserbaseAdapter({ apiKey: bb.apiKey, projectId: bb.projectId, pollIntervalMs: 50 }),
    cdpEndpointFor: (session) => {
      const remote = bb.session((session as BrowserbaseSession).browserbaseSessionId);
      if (!remote) throw new Error("The emulator does not know this session");
      return remote.cdpHttpEndpoint;
    },
    teardown: async () => {
      // The suite has closed the adapter by now: nothing may still be billed.
      stillRunningAtTeardown = bb
        .sessions()
        .filter((s) => s.status === "RUNNING")
        .map((s) => s.id);
      await inEnv.close();
    },
  };
});

afterAll(async () => {
  if (!emulator) return;
  // Every session the suite opened was released, and no browser outlived it.
  expect(stillRunningAtTeardown).toEqual([]);
  const created = emulator.calls.filter((c) => c.method === "POST" && c.path === "/v1/sessions").length;
  const released = emulator.calls.filter((c) => c.method === "POST" && /^\/v1\/sessions\/[^/]+$/.test(c.path));
  expect(released).toHaveLength(created);
  expect(released.every((c) => (c.body as { status?: string }).status === "REQUEST_RELEASE")).toBe(true);
  expect(await leftoverChromiums(emulator.profilePrefix)).toEqual([]);
});
