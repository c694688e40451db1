import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

// Development mode (run under xvfb-run): the worker's Chromium is headed and the person logs in in its window.
describe.skipIf(!process.env.DISPLAY)("headed development mode: the login window once the login is done", () => {
  let stack: TestStack;
  const windows = async () => {
    const targets = (await (await fetch(`http://127.0.0.1:${stack.debugPort}/json/list`)).json()) as {
      type: string;
      url: string;
      title: string;
    }[];
    return targets.filter((t) => t.type === "page");
  };

  beforeAll(async () => {
    stack = await startTestStack({ env: { HEADLESS: "false" } });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("says the person is logged in, as the live view's page does, before the window closes", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo");
    await stack.user.logIn(await stack.user.findPage((u) => u.includes(tag)));
    const words = "You are logged in — you can close this tab.";
    await waitFor(async () => (await windows()).some((w) => w.title === words), {
      what: "the logged-in words in the window",
      timeoutMs: 15_000,
    });
    // Said once the credential is stored, not before.
    expect((await stack.api("GET", `/browser-login/${sessionId}`)).body.status).toBe("completed");
    await waitFor(async () => !(await windows()).some((w) => w.title === words || w.url.includes(tag)), {
      what: "the window to close",
    });
    await waitForStatus(stack, sessionId, "completed");
  }, 60_000);
});
