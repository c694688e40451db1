import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

describe("success that means success (local Chromium, real Redis, the fixture site)", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("refuses a client login URL at which the provider's condition already holds (422)", async () => {
    const res = await stack.api("POST", "/browser-login/start", {
      body: { providerId: "demo-url-only", loginUrl: `${stack.site.appOrigin}/dashboard` },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("login_url_matches_success");
    expect(res.body.error.message).toContain("already holds at the login URL");
    // The same provider from a login URL that does not match is fine.
    const ok = await stack.api("POST", "/browser-login/start", {
      body: { providerId: "demo-url-only", loginUrl: `${stack.site.appOrigin}/login` },
    });
    expect(ok.status).toBe(202);
    await stack.api("POST", `/browser-login/${ok.body.sessionId}/cancel`);
  });

  it("counts a wrong password answered in place with a 401, keeps waiting, then completes", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo-spa");
    const page = await stack.user.findPage((u) => u.includes(tag));
    await stack.user.logIn(page, { username: "alice", password: "wrong" });
    const rejected = await waitFor(
      async () => {
        const res = await stack.api("GET", `/browser-login/${sessionId}`);
        return res.body.lastLoginRejection ? res.body : undefined;
      },
      { what: "login rejection noted" },
    );
    expect(rejected.status).toBe("awaiting_login");
    expect(rejected.lastLoginRejection.count).toBe(1);
    expect(new URL(page.url()).pathname).toBe("/spa");

    await stack.user.logIn(page);
    const done = await waitForStatus(stack, sessionId, "completed");
    expect(done.lastLoginRejection!.count).toBe(1);
    expect(done.suspect).toBeUndefined();
  });

  it("marks a capture that gained nothing since the login page loaded as suspect, and a real login not", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo-home-url");
    const page = await stack.user.findPage((u) => u.includes(tag));
    await page.goto(`${stack.site.appOrigin}/`); // no login: nothing new in cookies or storage
    const done = await waitForStatus(stack, sessionId, "completed");
    expect(done).toMatchObject({
      suspect: true,
      suspectReason: expect.stringContaining("since the login page loaded"),
    });
    const listed = (await stack.api("GET", `/credentials/${done.credentialId}`)).body;
    expect(listed).toMatchObject({ id: done.credentialId, suspect: true, suspectReason: done.suspectReason });

    const real = await startTagged(stack, "demo");
    await stack.user.logIn(await stack.user.findPage((u) => u.includes(real.tag)));
    const captured = await waitForStatus(stack, real.sessionId, "completed");
    expect(captured.suspect).toBeUndefined();
    const metadata = (await stack.api("GET", `/credentials/${captured.credentialId}`)).body;
    expect(metadata.id).toBe(captured.credentialId);
    expect(metadata.suspect).toBeUndefined();
  });
});
