import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";

/** Client metadata is the client's: the service hands it back exactly, whatever the session went through. */
describe("session metadata through the API", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ withWorker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("comes back unchanged after status changes, even numbers a JSON round trip in Lua would round", async () => {
    const metadata = {
      big: 9007199254740991,
      ratio: 0.30000000000000004,
      tiny: 5e-324,
      text: "a/b\u2028",
      none: null,
      yes: true,
    };
    const started = await stack.api("POST", "/browser-login/start", { body: { providerId: "demo", metadata } });
    expect(started.status).toBe(202);
    const cancelled = await stack.api("POST", `/browser-login/${started.body.sessionId}/cancel`);
    expect(cancelled.body.status).toBe("cancelled");
    const raw = await fetch(`${stack.baseUrl}/browser-login/${started.body.sessionId}`, {
      headers: { authorization: `Bearer ${stack.apiKey}`, "x-subject-user-id": "user-1" },
    }).then((r) => r.text());
    expect(raw).toContain('"big":9007199254740991');
    expect(JSON.parse(raw).metadata).toEqual(metadata);
    expect(cancelled.body.metadata).toEqual(metadata);
  });
});
