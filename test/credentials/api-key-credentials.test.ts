import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKeyValidator } from "../../src/api-keys/api-key-validation.ts";
import { createAddressPolicy } from "../../src/network/address-policy.ts";
import { createProviderRegistry } from "../../src/providers/provider-registry.ts";
import { type ApiKeyService, startApiKeyService } from "../helpers/api-key-service.ts";
import { dumpPostgres } from "../helpers/postgres-dump.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";

/** The API-key providers the tests use, all on the fixture service. */
function apiKeyProviders(service: ApiKeyService) {
  return [
    {
      kind: "api_key" as const,
      id: "fixture-key",
      name: "Fixture API",
      fields: [{ name: "apiKey", label: "API key", helpUrl: "https://fixture.test/keys" }],
      validation: { url: `${service.url}/v1/me`, headers: { Authorization: "Bearer {{apiKey}}" }, expectedStatus: 200 },
    },
    {
      kind: "api_key" as const,
      id: "fixture-body",
      name: "Fixture API, key in the body",
      fields: [
        { name: "key", label: "Key" },
        { name: "workspace", label: "Workspace", secret: false },
      ],
      validation: {
        method: "POST" as const,
        url: `${service.url}/v1/check`,
        query: { source: "blc" },
        body: { key: "{{key}}", workspace: "{{workspace}}" },
      },
    },
    {
      kind: "api_key" as const,
      id: "fixture-hang",
      name: "Fixture, never answers",
      fields: [{ name: "apiKey", label: "API key" }],
      validation: { url: `${service.url}/v1/hang`, timeoutMs: 500 },
    },
    { kind: "api_key" as const, id: "unchecked", name: "Unchecked", fields: [{ name: "apiKey", label: "API key" }] },
  ];
}

for (const credentialStore of ["redis", "postgres"] as const) {
  describe(`API-key credentials (credentials on ${credentialStore})`, () => {
    let stack: TestStack;
    let service: ApiKeyService;
    const goodKey = `sk_live_${randomBytes(16).toString("hex")}`;
    const wrongKey = `sk_live_${randomBytes(16).toString("hex")}`;
    const secondKey = `sk_live_${randomBytes(16).toString("hex")}`;
    const seen: string[] = [];

    beforeAll(async () => {
      service = await startApiKeyService(goodKey);
      stack = await startTestStack({ withWorker: false, credentialStore, extraProviders: apiKeyProviders(service) });
    });
    afterAll(async () => {
      await stack?.close();
      await service?.close();
    });

    const post = async (body: unknown, subject = "user-1") => {
      const answer = await stack.api("POST", "/credentials", { body, subject });
      seen.push(JSON.stringify(answer.body));
      return answer;
    };

    it("lists the provider's fields for the app's form", async () => {
      const { body } = await stack.api("GET", "/providers");
      expect(body.providers.find((p: { id: string }) => p.id === "fixture-key")).toEqual({
        id: "fixture-key",
        name: "Fixture API",
        kind: "api_key",
        fields: [{ name: "apiKey", label: "API key", helpUrl: "https://fixture.test/keys", secret: true }],
        validated: true,
      });
    });

    it("refuses a wrong key at once with the provider's answer summarised, never the key", async () => {
      const refused = await post({ providerId: "fixture-key", fields: { apiKey: wrongKey } });
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe("api_key_rejected");
      expect(refused.body.error.message).toContain("HTTP 401");
      expect(refused.body.error.message).toContain("Invalid API key provided: [redacted]");
      expect(refused.body.error.details).toMatchObject({ status: 401 });
      expect(JSON.stringify(refused.body)).not.toContain(wrongKey);
      // The provider did see it, in the header the provider's template names.
      expect(service.requests.at(-1)?.headers.authorization).toBe(`Bearer ${wrongKey}`);
      expect((await stack.api("GET", "/credentials")).body.credentials).toEqual([]);
    });

    it("names missing and unknown fields (not their values), and refuses other kinds' providers", async () => {
      const missing = await post({ providerId: "fixture-body", fields: { key: goodKey } });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toMatchObject({
        code: "invalid_fields",
        message: expect.stringContaining("missing: workspace"),
      });
      const unknown = await post({ providerId: "fixture-key", fields: { apiKey: goodKey, apiSecret: secondKey } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toContain("unknown: apiSecret");
      expect(JSON.stringify(unknown.body)).not.toContain(secondKey);
      expect((await post({ providerId: "demo", fields: { apiKey: goodKey } })).body.error.code).toBe(
        "wrong_provider_kind",
      );
      expect((await post({ providerId: "nope", fields: { apiKey: goodKey } })).status).toBe(404);
      expect((await post({ providerId: "fixture-key" })).status).toBe(400);
      const refusedCount = service.requests.length;
      expect(
        (await post({ providerId: "fixture-key", fields: { apiKey: `${goodKey}\r\nX-Injected: 1` } })).body.error.code,
      ).toBe("invalid_fields");
      expect(service.requests).toHaveLength(refusedCount);
    });

    it("answers 503 when the provider does not answer within the validation timeout, and stores nothing", async () => {
      const started = Date.now();
      const answer = await post({ providerId: "fixture-hang", fields: { apiKey: goodKey } });
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe("api_key_validation_unavailable");
      expect(answer.body.error.message).toContain("no answer within 500 ms");
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((await stack.api("GET", "/credentials")).body.credentials).toEqual([]);
    });

    it("stores a working key, lists it by field names only, and gives the fields back to their owner alone, audited", async () => {
      const created = await post({
        providerId: "fixture-key",
        fields: { apiKey: goodKey },
        metadata: { app: "agent-1" },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        kind: "api_key",
        providerId: "fixture-key",
        status: "active",
        version: 1,
        fieldNames: ["apiKey"],
        metadata: { app: "agent-1" },
      });
      expect(created.body.lastVerifiedAt).not.toBeNull();
      const id = created.body.id as string;

      const listed = await stack.api("GET", "/credentials");
      expect(listed.body.credentials).toEqual([created.body]);

      const response = await fetch(`${stack.baseUrl}/credentials/${id}/secret`, {
        headers: { authorization: `Bearer ${stack.apiKey}`, "x-subject-user-id": "user-1" },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.json()).toEqual({
        credentialId: id,
        providerId: "fixture-key",
        version: 1,
        fields: { apiKey: goodKey },
      });
      expect((await stack.api("GET", `/credentials/${id}/secret`, { subject: "user-2" })).status).toBe(404);
      expect((await stack.api("GET", `/credentials/${id}/storage-state`)).body.error.code).toBe(
        "wrong_credential_kind",
      );

      const trail = await stack.api("GET", `/credentials/${id}/audit`);
      expect(trail.body.entries).toHaveLength(1);
      expect(trail.body.entries[0]).toMatchObject({ purpose: "secret", apiKeyId: expect.stringMatching(/^key_/) });
    });

    it("replaces the subject's key for the provider in place when it is entered again (same id, version 2)", async () => {
      const [first] = (await stack.api("GET", "/credentials")).body.credentials;
      const again = await post({ providerId: "fixture-key", fields: { apiKey: goodKey } });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: first.id, version: 2 });
      // Another subject's key for the same provider is their own credential.
      const other = await post({ providerId: "unchecked", fields: { apiKey: secondKey } }, "user-2");
      expect(other.status).toBe(201);
      expect((await stack.api("GET", "/credentials")).body.credentials.map((c: { id: string }) => c.id)).toEqual([
        first.id,
      ]);
    });

    it("puts a key field in the body and the query, as the provider's templates say", async () => {
      const created = await post({ providerId: "fixture-body", fields: { key: goodKey, workspace: "ws-1" } });
      expect(created.status).toBe(201);
      const request = service.requests.at(-1)!;
      expect(request).toMatchObject({ method: "POST", path: "/v1/check?source=blc" });
      expect(JSON.parse(request.body)).toEqual({ key: goodKey, workspace: "ws-1" });
      expect(request.headers["content-type"]).toBe("application/json");
    });

    it("limits how many keys one subject may have checked with a provider, without asking the provider again", async () => {
      // API_KEY_VALIDATION_ATTEMPTS: 10 per 10 minutes by default, per subject and provider.
      const tries = Array.from({ length: 10 }, () => `sk_live_${randomBytes(16).toString("hex")}`);
      for (const key of tries)
        expect((await post({ providerId: "fixture-key", fields: { apiKey: key } }, "user-limit")).status).toBe(422);
      const asked = service.requests.length;
      const refused = await post({ providerId: "fixture-key", fields: { apiKey: goodKey } }, "user-limit");
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe("too_many_attempts");
      expect(refused.body.error.message).toMatch(
        /^Too many keys were checked with Fixture API for this user; try again in \d+ s$/,
      );
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(500);
      expect(retryAfter).toBeLessThanOrEqual(600);
      expect(service.requests.length).toBe(asked);
      expect(JSON.stringify(refused.body)).not.toContain(goodKey);
      // Another user, or another provider for the same user, is not held back.
      expect((await post({ providerId: "fixture-key", fields: { apiKey: wrongKey } }, "user-limit-2")).status).toBe(
        422,
      );
      expect(
        (await post({ providerId: "fixture-body", fields: { key: wrongKey, workspace: "ws-1" } }, "user-limit")).status,
      ).toBe(422);
    });

    it("keeps no key in storage, events, logs or any answer but the secret route's", async () => {
      let stored = await dumpRedis(stack.redis.url);
      if (stack.postgres) stored += await dumpPostgres(stack.config.DATABASE_URL!);
      expect(stored).toContain("credential.created");
      expect(stored).toContain("credential.renewed");
      for (const key of [goodKey, wrongKey, secondKey]) {
        expect(stored).not.toContain(key);
        expect(stack.log.text()).not.toContain(key);
        expect(seen.join("\n")).not.toContain(key);
      }
    });
  });
}

describe("API-key validation requests", () => {
  it("follow the outbound address policy: a loopback validation URL is refused unless private addresses are allowed", async () => {
    const service = await startApiKeyService("k-1");
    try {
      const provider = createProviderRegistry(apiKeyProviders(service)).get("fixture-key");
      if (provider?.kind !== "api_key") throw new Error("fixture-key is an API-key provider");
      const strict = createApiKeyValidator(createAddressPolicy({ allowPrivateAddresses: false }));
      expect(await strict(provider, { apiKey: "k-1" })).toEqual({
        outcome: "unavailable",
        reason: expect.stringContaining("private address"),
      });
      expect(service.requests).toHaveLength(0);
      const open = createApiKeyValidator(
        createAddressPolicy({ allowPrivateAddresses: false, privateAllowedFor: [new URL(service.url).host] }),
      );
      expect(await open(provider, { apiKey: "k-1" })).toEqual({ outcome: "accepted", status: 200 });
    } finally {
      await service.close();
    }
  });

  it("are checked against the declared fields when providers load", () => {
    const provider = { kind: "api_key" as const, id: "x", name: "X", fields: [{ name: "apiKey", label: "Key" }] };
    expect(() =>
      createProviderRegistry([
        { ...provider, validation: { url: "https://x.test/me", headers: { Authorization: "Bearer {{token}}" } } },
      ]),
    ).toThrow(/\{\{token\}\}, which is not a declared field/);
    expect(() => createProviderRegistry([{ ...provider, validation: { url: "ftp://x.test/me" } }])).toThrow();
  });
});
