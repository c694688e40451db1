import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * The person in the browser controls the URL the worker matches. A page that sets a megabyte-long
 * address with history.pushState must not freeze the worker: with a backtracking matcher the
 * pattern `/app/*\/home/*\/done` held the event loop for about a minute at 320 KB.
 */
describe("a megabyte-long address set by a page", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("leaves the worker free: another session on it completes, and the long one can still be cancelled", async () => {
    const attacker = await startTagged(stack, "demo-wildcards");
    const page = await stack.user.findPage((u) => u.includes(attacker.tag));
    const length = await page.evaluate(() => {
      history.pushState(null, "", `/app/${"app/home/".repeat(116_000)}`);
      return location.href.length;
    });
    expect(length).toBeGreaterThan(1_000_000);
    // The worker has seen the navigation (and matched it) before the next session starts.
    await waitFor(() => stack.user.findPage((u) => u.length > 1_000_000, 0).catch(() => undefined), {
      what: "the long address in the tab",
    });

    const other = await startTagged(stack, "demo");
    await stack.user.logIn(await stack.user.findPage((u) => u.includes(other.tag)));
    const done = await waitForStatus(stack, other.sessionId, "completed");
    expect(done.credentialId).toMatch(/^cred_/);

    expect((await stack.api("GET", `/browser-login/${attacker.sessionId}`)).body.status).toBe("awaiting_login");
    expect((await stack.api("POST", `/browser-login/${attacker.sessionId}/cancel`)).status).toBe(200);
    await waitFor(
      () =>
        stack.user
          .findPage((u) => u.includes(attacker.tag), 0)
          .then(
            () => false,
            () => true,
          ),
      { what: "the long session's tab closed" },
    );
  });
});
