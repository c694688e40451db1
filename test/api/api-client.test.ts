import { readFileSync } from "node:fs";
import { createApiClient } from "@browser-login-capture/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_TYPES_FILE, generateApiTypes } from "../../scripts/generate-client.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";

/** The typed client: its types are the running API's document, and its calls reach the API as typed. */
describe("the typed API client", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ withWorker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("is typed from the document the API serves (run `npm run generate:client` when this fails)", async () => {
    const live = await (await fetch(`${stack.baseUrl}/openapi.json`)).json();
    expect(await generateApiTypes(live)).toBe(readFileSync(API_TYPES_FILE, "utf8"));
  });

  it("sends the key and subject, and answers errors in the API's shape", async () => {
    const api = createApiClient({
      baseUrl: stack.baseUrl,
      apiKey: stack.apiKey,
      subject: { userId: "client-user", orgId: "client-org" },
    });
    const started = await api.POST("/browser-login/start", {
      params: { query: { wait: 0 } },
      body: { providerId: "demo", metadata: { via: "client" } },
    });
    expect(started.response.status).toBe(202);
    const sessionId = started.data!.sessionId;
    expect(started.data).toMatchObject({ providerId: "demo", metadata: { via: "client" } });

    const status = await api.GET("/browser-login/{id}", { params: { path: { id: sessionId } } });
    expect(status.data?.sessionId).toBe(sessionId);
    // Another subject (the org is part of it) does not see it.
    const other = createApiClient({ baseUrl: stack.baseUrl, apiKey: stack.apiKey, subject: { userId: "client-user" } });
    const hidden = await other.GET("/browser-login/{id}", { params: { path: { id: sessionId } } });
    expect(hidden.error?.error.code).toBe("session_not_found");

    const cancelled = await api.POST("/browser-login/{id}/cancel", { params: { path: { id: sessionId } } });
    expect(cancelled.data?.status).toBe("cancelled");

    const wrongKey = createApiClient({ baseUrl: stack.baseUrl, apiKey: "nope", subject: { userId: "client-user" } });
    expect((await wrongKey.GET("/providers")).error?.error.code).toBe("unauthorized");
  });
});
