import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";

/** Bad input gets a 4xx with { error: { code, message } }, never a stack trace, and creates nothing. */
describe("API input errors (no worker needed)", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({
      withWorker: false,
      env: { CLIENT_LOGIN_URL_HOSTS: "localhost,*.example.com", ALLOW_PRIVATE_LOGIN_URLS: "false" },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const expectError = (res: { status: number; body: any }, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  };

  it("checks the API key and the subject", async () => {
    expectError(await stack.api("GET", "/credentials", { headers: { authorization: "" } }), 401, "unauthorized");
    expectError(
      await stack.api("GET", "/credentials", { headers: { authorization: "Bearer wrong-key" } }),
      401,
      "unauthorized",
    );
    expectError(await stack.api("GET", "/credentials", { subject: "" }), 400, "subject_required");
  });

  it("refuses malformed JSON, unknown fields, unknown providers and huge bodies", async () => {
    expectError(await stack.api("POST", "/browser-login/start", { raw: "{not json" }), 400, "invalid_json");
    expectError(
      await stack.api("POST", "/browser-login/start", { body: { providerId: "demo", extra: 1 } }),
      400,
      "invalid_request",
    );
    expectError(await stack.api("POST", "/browser-login/start", { body: {} }), 400, "invalid_request");
    expectError(
      await stack.api("POST", "/browser-login/start", { body: { providerId: "nope" } }),
      404,
      "provider_not_found",
    );
    expectError(
      await stack.api("POST", "/browser-login/start", {
        raw: JSON.stringify({ providerId: "demo", metadata: { big: "x".repeat(100_000) } }),
      }),
      413,
      "payload_too_large",
    );
    expectError(
      await stack.api("POST", "/browser-login/start", { raw: "{}", headers: { "content-type": "text/plain" } }),
      415,
      "unsupported_media_type",
    );
    expectError(
      await stack.api("POST", "/browser-login/start?wait=99999", { body: { providerId: "demo" } }),
      400,
      "invalid_wait",
    );
    const keys = await fetchKeys(stack);
    expect(keys.filter((k) => k.includes(":session:"))).toEqual([]);
  });

  it("refuses bad ids and unknown ones", async () => {
    expectError(await stack.api("GET", "/browser-login/not-an-id"), 400, "invalid_id");
    expectError(await stack.api("GET", "/browser-login/ls_00000000000000000000000000000000"), 404, "session_not_found");
    expectError(await stack.api("POST", "/browser-login/..%2F..%2Fetc/cancel"), 400, "invalid_id");
    expectError(await stack.api("GET", "/credentials/cred_x/storage-state"), 400, "invalid_id");
    expectError(
      await stack.api("DELETE", "/credentials/cred_00000000-0000-0000-0000-000000000000"),
      404,
      "credential_not_found",
    );
    expectError(await stack.api("GET", "/no/such/route"), 404, "not_found");
  });

  it("refuses login URLs that are not allowed", async () => {
    for (const loginUrl of [
      "file:///etc/passwd",
      "data:text/html,<h1>hi</h1>",
      "javascript:alert(1)",
      "chrome://settings",
      "http://localhost:1/login",
      "http://127.0.0.1/login",
      "http://[::1]/login",
      "http://10.0.0.1/login",
      "https://evil.test/login",
      "https://user:pw@app.example.com/login",
      "not a url",
    ]) {
      const res = await stack.api("POST", "/browser-login/start", { body: { providerId: "demo", loginUrl } });
      expectError(res, 422, "login_url_not_allowed");
    }
  });

  it("answers health and readiness without a key", async () => {
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${stack.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
  });
});

async function fetchKeys(stack: TestStack): Promise<string[]> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(stack.redis.url);
  try {
    return await redis.keys("*");
  } finally {
    redis.disconnect();
  }
}
