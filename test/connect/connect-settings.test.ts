import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";

describe("connect page with the live view's embedding and anti-phishing settings", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      scriptedUser: false,
      env: {
        LIVE_VIEW_VERIFIER_KEY: randomBytes(32).toString("base64"),
        LIVE_VIEW_FRAME_ANCESTORS: "https://app.example.com",
      },
    });
  }, 60_000);
  afterAll(() => stack?.close());

  it("hands the page a checked viewer link, and lets the listed app embed the page and, through it, the live view", async () => {
    const { url } = (await stack.api("POST", "/connect/links", { subject: "person-g", body: { providers: ["demo"] } }))
      .body;
    const page = await fetch(url);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors https://app.example.com;");

    const started = await fetch(`${url}/browser-login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ providerId: "demo" }),
    });
    expect(started.status).toBe(202);
    const session = await started.json();
    expect(session.liveViewUrl).toMatch(/\/live\/[^?]+\?check=\d+\.[A-Za-z0-9_-]{43}$/);
    const viewer = await fetch(session.liveViewUrl);
    expect(viewer.status).toBe(200);
    // The app nests the two pages: the viewer accepts both the app and the connect page (its own origin) as ancestors.
    expect(viewer.headers.get("content-security-policy")).toContain("frame-ancestors https://app.example.com 'self';");
    // Without the check the same link does not open: the check is what the connect link stands in for.
    expect((await fetch(session.liveViewUrl.split("?")[0])).status).toBe(403);

    expect((await fetch(`${url}/browser-login/${session.sessionId}/cancel`, { method: "POST" })).status).toBe(200);
    expect((await stack.api("GET", `/browser-login/${session.sessionId}`, { subject: "person-g" })).body.status).toBe(
      "cancelled",
    );
  }, 60_000);
});
