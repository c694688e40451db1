import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectLinkClient } from "../helpers/connect-link-client.ts";
import { parsePrometheusText, sampleValue } from "../helpers/prometheus-text.ts";
import { startTagged, waitForStatus } from "../helpers/sessions.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";

/**
 * One user cannot hold every worker: unfinished login sessions are limited per subject and per
 * connect link, whichever way they start (the API, a re-login, the connect page), answered
 * `429 too_many_sessions` with a Retry-After, counted in the metrics; an ended session gives its
 * place back at once.
 */
describe("limits on a subject's and a connect link's unfinished sessions", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ env: { MAX_SESSIONS_PER_SUBJECT: "2", MAX_SESSIONS_PER_CONNECT_LINK: "1" } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const start = (subject: string) =>
    stack.api("POST", "/browser-login/start", { subject, body: { providerId: "demo" } });
  const cancel = (subject: string, id: string) => stack.api("POST", `/browser-login/${id}/cancel`, { subject });
  const refusedCount = async (reason: string) =>
    sampleValue(
      parsePrometheusText((await stack.api("GET", "/metrics", { subject: "" })).body),
      "blc_sessions_refused_total",
      { reason },
    ) ?? 0;

  it("refuses a subject's third session with 429 too_many_sessions and a Retry-After, and takes one after a cancel", async () => {
    const before = await refusedCount("subject_limit");
    const first = await start("busy");
    const second = await start("busy");
    expect([first.status, second.status]).toEqual([202, 202]);

    const refused = await start("busy");
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      code: "too_many_sessions",
      message: expect.stringContaining("2 login sessions"),
      details: { scope: "subject", limit: 2 },
    });
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.error.details.retryAfterSeconds).toBe(retryAfter);
    expect(await refusedCount("subject_limit")).toBe(before + 1);

    // Someone else is not affected.
    expect((await start("calm")).status).toBe(202);

    // A cancel frees the place at once.
    expect((await cancel("busy", first.body.sessionId)).status).toBe(200);
    const again = await start("busy");
    expect(again.status).toBe(202);
    await cancel("busy", second.body.sessionId);
    await cancel("busy", again.body.sessionId);
  });

  it("counts re-logins against the same limit", async () => {
    const { tag, sessionId } = await startTagged(stack, "demo", { subject: "relogger" });
    await stack.user.logIn(await stack.user.findPage((u) => u.includes(tag)));
    const done = await waitForStatus(stack, sessionId, "completed", { subject: "relogger", timeoutMs: 30_000 });
    const credentialId = done.credentialId!;

    const relogin = () => stack.api("POST", `/credentials/${credentialId}/relogin`, { subject: "relogger" });
    const held = [(await relogin()).body.sessionId, (await start("relogger")).body.sessionId];
    const refused = await relogin();
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("too_many_sessions");
    expect(refused.headers.get("retry-after")).toBeTruthy();
    for (const id of held) await cancel("relogger", id);
    expect((await relogin()).status).toBe(202);
  });

  it("limits each connect link on its own, within its subject's limit", async () => {
    const before = await refusedCount("connect_link_limit");
    const mint = async () => {
      const res = await stack.api("POST", "/connect/links", { subject: "linked", body: { providers: ["demo"] } });
      expect(res.status).toBe(201);
      return res.body.url as string;
    };
    // Each link opened once, as its page does: the browser it binds to makes every later call.
    const browsers = new Map<string, ReturnType<typeof connectLinkClient>>();
    const startThrough = async (url: string) => {
      let browser = browsers.get(url);
      if (!browser) {
        browser = connectLinkClient(url);
        browsers.set(url, browser);
        expect((await browser.open()).status).toBe(200);
      }
      const res = await fetch(`${url}/browser-login`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: browser.cookie() },
        body: JSON.stringify({ providerId: "demo" }),
      });
      return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.json() };
    };
    const link = await mint();
    expect((await startThrough(link)).status).toBe(202);
    const second = await startThrough(link);
    expect(second.status).toBe(429);
    expect(second.body.error).toMatchObject({
      code: "too_many_sessions",
      details: { scope: "connect_link", limit: 1 },
    });
    expect(Number(second.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(await refusedCount("connect_link_limit")).toBe(before + 1);

    // Another link of the same person: its own place, but the person's limit (2) still holds.
    expect((await startThrough(await mint())).status).toBe(202);
    const third = await startThrough(await mint());
    expect(third.status).toBe(429);
    expect(third.body.error.details.scope).toBe("subject");
  });
});
