import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headerSafe, mulberry32, pickFrom, randomJson, randomText } from "../helpers/fuzz.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";

const APP = "https://app.example.com";
const OTHER_APP = "http://localhost:5173";

/**
 * Component links over HTTP, without a browser: minted for a listed origin, bound by a header on
 * first open, answering only that origin (CORS and Origin), the organisation's OAuth clients behind
 * manageOrgClients, and a fuzz run over tokens, origins, binding headers and bodies. No worker.
 */
describe("component links: origins, header binding, CORS, organisation clients, fuzzed", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      withWorker: false,
      scriptedUser: false,
      env: { CONNECT_COMPONENT_ORIGINS: `${APP},${OTHER_APP}` },
      extraProviders: [
        {
          kind: "oauth2",
          id: "acme-oauth",
          name: "Acme",
          authorizationEndpoint: "https://acme.example/authorize",
          tokenEndpoint: "https://acme.example/token",
        },
        { kind: "api_key", id: "acme-key", name: "Acme key", fields: [{ name: "apiKey", label: "API key" }] },
      ],
    });
  }, 60_000);
  afterAll(() => stack?.close());

  const mint = async (body: Record<string, unknown>, subject = "person-c", org?: string) => {
    // The app mints a link for its organisation's OAuth clients for an admin only.
    const headers = body.manageOrgClients ? { "x-subject-org-role": "admin" } : undefined;
    const res = await stack.api("POST", "/connect/links", { subject, org, body, headers });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; url: string };
  };
  /** A request as a component makes it: from `origin`, with the binding header once it has one. */
  const call = async (
    url: string,
    method: string,
    path: string,
    { origin = APP, binding, body }: { origin?: string | null; binding?: string; body?: unknown } = {},
  ) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(origin ? { origin } : {}),
        ...(binding ? { "x-connect-binding": binding } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };

  it("mints a component link only for a listed origin, and manageOrgClients only for an organisation's admin", async () => {
    const refused = async (body: Record<string, unknown>, org?: string) =>
      (await stack.api("POST", "/connect/links", { subject: "person-m", org, body })).body.error.code;
    for (const origin of [`${APP}/`, "https://evil.example", "https://APP.example.com", "null", `${APP}:443`, "*"])
      expect(await refused({ componentOrigin: origin }), origin).toBe("invalid_request");
    expect(await refused({ manageOrgClients: true })).toBe("org_required");
    // A member of the organisation (no admin role) may not mint one: it would let them change its OAuth clients.
    expect(await refused({ componentOrigin: APP, manageOrgClients: true }, "acme")).toBe("org_admin_required");
    await mint({ componentOrigin: APP, manageOrgClients: true }, "person-m", "acme");
    const listed = (await stack.api("GET", "/connect/links", { subject: "person-m", org: "acme" })).body.links;
    expect(listed).toEqual([expect.objectContaining({ componentOrigin: APP })]);
  });

  it("binds on the first open from its origin with a header secret, never a cookie; answers that origin only", async () => {
    const link = await mint({ componentOrigin: APP, providers: ["demo", "acme-key"] });
    // From no origin or another (even a listed one), it is nobody's.
    for (const origin of [null, OTHER_APP, "https://evil.example"]) {
      const res = await call(link.url, "POST", "/open", { origin, body: {} });
      expect(res.status, String(origin)).toBe(403);
      expect(res.body.error.code).toBe("origin_not_allowed");
    }
    const opened = await call(link.url, "POST", "/open", { body: {} });
    expect(opened.status).toBe(200);
    expect(opened.body.binding).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(opened.headers.get("set-cookie")).toBeNull();
    expect(opened.headers.get("access-control-allow-origin")).toBe(APP);
    expect(opened.headers.get("access-control-allow-credentials")).toBeNull();
    expect(opened.headers.get("vary")).toContain("Origin");
    const binding = opened.body.binding as string;
    expect(await dumpRedis(stack.redis.url)).not.toContain(binding);

    // Another open (a second page view with the same link, or someone who learned it) gets nothing.
    expect((await call(link.url, "POST", "/open", { body: {} })).body.error.code).toBe("connect_link_opened_elsewhere");
    const again = await call(link.url, "POST", "/open", { binding, body: {} });
    expect(again.status).toBe(200);
    expect(again.body.binding).toBeUndefined();

    expect((await call(link.url, "GET", "/connections", { binding })).body).toEqual({ connections: [] });
    expect((await call(link.url, "GET", "/connections")).body.error.code).toBe("connect_link_opened_elsewhere");
    expect((await call(link.url, "GET", "/connections", { binding: "A".repeat(43) })).status).toBe(403);
    expect((await call(link.url, "GET", "/connections", { binding, origin: OTHER_APP })).body.error.code).toBe(
      "origin_not_allowed",
    );
    // The component's requests are cross-site by nature: the page link's Sec-Fetch-Site rule is not theirs.
    const crossSite = await fetch(`${link.url}/connections`, {
      headers: { origin: APP, "x-connect-binding": binding, "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status).toBe(200);
    // It opens no page of its own.
    const page = await fetch(link.url);
    expect(page.status).toBe(403);
    expect(await page.text()).toContain("This link is for the app");

    // Revoked: the component hears 410 (with CORS headers, so it can read why).
    expect((await stack.api("DELETE", `/connect/links/${link.id}`, { subject: "person-c" })).status).toBe(204);
    const gone = await call(link.url, "GET", "/connections", { binding });
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe("connect_link_revoked");
    expect(gone.headers.get("access-control-allow-origin")).toBe(APP);
  });

  it("a page link takes no header binding, and a component's header opens no page link", async () => {
    const pageLink = await mint({ providers: ["demo"] });
    const res = await fetch(`${pageLink.url}/open`, {
      method: "POST",
      headers: { origin: APP, "content-type": "application/json", "sec-fetch-site": "cross-site" },
      body: "{}",
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("cross_site_request");
    const opened = await fetch(`${pageLink.url}/open`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(opened.status).toBe(200);
    expect((await opened.json()).binding).toBeUndefined();
    expect(opened.headers.get("set-cookie")).toContain("blc_connect=");
  });

  it("preflights: the listed origins get the methods and headers a component sends; any other a 403", async () => {
    const link = await mint({ componentOrigin: APP });
    const preflight = (origin: string, path = "/connections") =>
      fetch(`${link.url}${path}`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "PUT",
          "access-control-request-headers": "content-type,x-connect-binding",
        },
      });
    const allowed = await preflight(APP, "/oauth2-clients/acme-oauth");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(APP);
    expect(allowed.headers.get("access-control-allow-methods")).toBe("GET,POST,PUT,DELETE");
    expect(allowed.headers.get("access-control-allow-headers")).toBe("content-type,x-connect-binding");
    expect(allowed.headers.get("access-control-allow-credentials")).toBeNull();
    const refused = await preflight("https://evil.example");
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe("origin_not_allowed");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    // The app's own endpoint is for its backend: no CORS.
    const links = await fetch(`${stack.baseUrl}/connect/links`, {
      method: "OPTIONS",
      headers: { origin: APP, "access-control-request-method": "POST" },
    });
    expect(links.headers.get("access-control-allow-origin")).toBeNull();

    const script = await fetch(`${stack.baseUrl}/connect-assets/components.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(script.headers.get("access-control-allow-origin")).toBe("*");
    expect(await script.text()).toContain('customElements.define("blc-connect-button"');
    // Compressed for browsers that ask (fetch does, and undoes it), and revalidated by its ETag.
    expect(script.headers.get("content-encoding")).toBe("gzip");
    const again = await fetch(`${stack.baseUrl}/connect-assets/components.js`, {
      headers: { "if-none-match": script.headers.get("etag")! },
    });
    expect(again.status).toBe(304);
  });

  it("sets the organisation's OAuth client through a manageOrgClients link: the secret is write-only, kept when left out", async () => {
    const open = async (body: Record<string, unknown>, subject: string, org?: string) => {
      const link = await mint({ componentOrigin: APP, ...body }, subject, org);
      const opened = await call(link.url, "POST", "/open", { body: {} });
      expect(opened.status).toBe(200);
      return (method: string, path: string, json?: unknown) =>
        call(link.url, method, path, { binding: opened.body.binding, body: json });
    };
    const admin = await open({ manageOrgClients: true, providers: ["acme-oauth", "acme-key"] }, "admin-1", "acme");
    const path = "/oauth2-clients/acme-oauth";
    expect((await admin("GET", path)).body.error.code).toBe("oauth2_client_not_found");
    const secret = `org-secret-${"s".repeat(20)}`;
    const put = await admin("PUT", path, { clientId: "acme-own", clientSecret: secret });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ providerId: "acme-oauth", clientId: "acme-own", hasClientSecret: true });
    expect(JSON.stringify(put.body)).not.toContain(secret);
    // Left out: the secret stays; null: removed.
    expect((await admin("PUT", path, { clientId: "acme-own-2" })).body).toMatchObject({
      clientId: "acme-own-2",
      hasClientSecret: true,
    });
    const viaKey = await stack.api("GET", "/oauth2/clients/acme-oauth", { subject: "admin-1", org: "acme" });
    expect(viaKey.body).toMatchObject({ clientId: "acme-own-2", hasClientSecret: true });
    expect((await admin("PUT", path, { clientId: "acme-own-2", clientSecret: null })).body.hasClientSecret).toBe(false);
    expect((await admin("PUT", path, { clientId: "" })).status).toBe(400);
    expect((await admin("PUT", path, { clientId: "x", extra: 1 })).status).toBe(400);
    // Not an OAuth2 provider, or not offered by the link.
    expect((await admin("GET", "/oauth2-clients/acme-key")).body.error.code).toBe("provider_not_found");
    expect((await admin("GET", "/oauth2-clients/demo")).body.error.code).toBe("provider_not_found");
    expect((await admin("DELETE", path)).status).toBe(204);
    expect((await admin("DELETE", path)).status).toBe(404);

    // A link without the grant, or of a user without an organisation, manages nothing.
    const member = await open({ providers: ["acme-oauth"] }, "member-1", "acme");
    for (const [method, body] of [["GET"], ["PUT", { clientId: "mine" }], ["DELETE"]] as const) {
      const res = await member(method, path, body);
      expect(res.status, method).toBe(403);
      expect(res.body.error.code).toBe("org_clients_not_allowed");
    }
    expect((await stack.api("GET", "/oauth2/clients/acme-oauth", { subject: "member-1", org: "acme" })).status).toBe(
      404,
    );
  });

  it("fuzzed: tokens, origins, bindings, methods and bodies get a 4xx (or a page), never a 5xx; the bound link stays its page's", async () => {
    const random = mulberry32(0xc0_ffee);
    const pick = <T>(items: readonly T[]) => pickFrom(random, items);
    const owner = "person-fuzz";
    const link = await mint({ componentOrigin: APP, manageOrgClients: true }, owner, "fuzz-org");
    const opened = await call(link.url, "POST", "/open", { body: {} });
    const binding = opened.body.binding as string;
    const token = new URL(link.url).pathname.split("/")[2]!;
    const pageLink = await mint({ providers: ["demo"] }, owner);
    const pageToken = new URL(pageLink.url).pathname.split("/")[2]!;
    const tokens = () =>
      pick([
        token,
        token,
        token,
        token,
        token,
        token,
        pageToken,
        `${token}x`,
        token.slice(0, 20),
        encodeURIComponent(randomText(random, 30)),
        "links",
        "",
      ]);
    // Each endpoint with its method; some rounds take another method.
    const endpoints = () =>
      pick([
        ["POST", "/open"],
        ["GET", "/link"],
        ["GET", "/link"],
        ["GET", "/connections"],
        ["GET", "/connections"],
        ["DELETE", `/connections/cred_${"0".repeat(8)}-0000-0000-0000-${"0".repeat(12)}`],
        ["POST", "/browser-login"],
        ["POST", "/api-key"],
        ["POST", "/oauth2"],
        ["GET", "/oauth2-clients/acme-oauth"],
        ["PUT", "/oauth2-clients/acme-oauth"],
        ["PUT", "/oauth2-clients/acme-oauth"],
        ["DELETE", "/oauth2-clients/acme-oauth"],
        ["PUT", `/oauth2-clients/${encodeURIComponent(randomText(random, 12))}`],
        ["GET", "/oauth2-clients/"],
        ["GET", `/${encodeURIComponent(randomText(random, 10))}`],
      ] as const);
    const origins = () =>
      pick([
        APP,
        APP,
        APP,
        APP,
        APP,
        APP,
        OTHER_APP,
        "null",
        "https://evil.example",
        `${APP}/`,
        headerSafe(randomText(random, 30)),
        "",
      ]);
    const bindings = () =>
      pick([
        binding,
        binding,
        binding,
        binding,
        binding,
        "",
        "A".repeat(43),
        `${binding}x`,
        binding.slice(1),
        headerSafe(randomText(random, 50)),
      ]);
    const bodies = (): string | undefined =>
      pick([
        undefined,
        "{}",
        "",
        "null",
        "{",
        '{"clientId":"fuzz-client"}',
        '{"clientId":"fuzz-client","clientSecret":null}',
        `{"clientId":"fuzz-client","clientSecret":${JSON.stringify(randomText(random, 60))}}`,
        `{"clientId":${JSON.stringify("c".repeat(600))}}`,
        '{"providerId":"acme-key","fields":{"apiKey":"k"}}',
        JSON.stringify(randomJson(random, 4, ["clientId", "clientSecret", "providerId", "fields", "check"])),
        "\u0000\u00ff\ud800",
      ]);

    const answers: Record<string, number> = {};
    const failures: string[] = [];
    const ROUNDS = 400;
    for (let round = 0; round < ROUNDS; round += 1) {
      const [usual, suffix] = endpoints();
      const method = random() < 0.75 ? usual : pick(["GET", "POST", "PUT", "DELETE", "OPTIONS"]);
      const path = `/connect/${tokens()}${suffix}`;
      const body = method === "GET" || method === "OPTIONS" ? undefined : bodies();
      const origin = origins();
      const bound = bindings();
      const headers: Record<string, string> = {
        ...(origin ? { origin } : {}),
        ...(bound ? { "x-connect-binding": bound } : {}),
        ...(body !== undefined ? { "content-type": pick(["application/json", "application/json", "text/plain"]) } : {}),
        ...(method === "OPTIONS"
          ? {
              "access-control-request-method": pick(["PUT", "DELETE", "PATCH"]),
              "access-control-request-headers": "x-connect-binding",
            }
          : {}),
        ...(random() < 0.2 ? { cookie: `blc_connect=${"A".repeat(43)}` } : {}),
      };
      const what = `${method} ${path.slice(0, 120)} origin=${origin} body=${(body ?? "").slice(0, 60)}`;
      const res = await fetch(`${stack.baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(20_000),
      }).catch((error: Error) => {
        failures.push(`${what} → ${error.message}`);
        return undefined;
      });
      if (!res) continue;
      const text = await res.text();
      answers[String(res.status)] = (answers[String(res.status)] ?? 0) + 1;
      if (res.status >= 500) failures.push(`${what} → ${res.status} ${text.slice(0, 200)}`);
      if (res.status >= 400 && res.headers.get("content-type")?.includes("json") && text) {
        const parsed = JSON.parse(text);
        if (typeof parsed?.error?.code !== "string")
          failures.push(`${what} → not the error shape: ${text.slice(0, 200)}`);
      }
      // Only the listed origins ever hear an answer they may read.
      const allowed = res.headers.get("access-control-allow-origin");
      if (allowed && allowed !== APP && allowed !== OTHER_APP && !path.startsWith("/connect-assets/"))
        failures.push(`${what} → allowed ${allowed}`);
      if (text.includes(binding)) failures.push(`${what} → answered the binding again`);
    }
    // The app's side: mints with random component origins, grants and bodies.
    for (let round = 0; round < 100; round += 1) {
      const body = pick([
        { componentOrigin: pick([APP, OTHER_APP, `${APP}/`, headerSafe(randomText(random, 40)), 42, null]) },
        { componentOrigin: APP, manageOrgClients: pick([true, false, "yes", 1, null]) },
        { manageOrgClients: true, providers: pick([["acme-oauth"], [], ["nope"], "acme-oauth"]) },
        randomJson(random, 3, ["componentOrigin", "manageOrgClients", "providers", "successUrl", "ttlSeconds"]),
      ]);
      const org = pick([undefined, "fuzz-org", ""]);
      const res = await stack.api("POST", "/connect/links", { subject: owner, org, body });
      answers[`mint ${res.status}`] = (answers[`mint ${res.status}`] ?? 0) + 1;
      if (res.status >= 500 || (res.status >= 400 && typeof res.body?.error?.code !== "string"))
        failures.push(
          `mint ${JSON.stringify(body).slice(0, 120)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
        );
      if (
        res.status === 201 &&
        body &&
        typeof body === "object" &&
        "manageOrgClients" in body &&
        body.manageOrgClients === true &&
        !org
      )
        failures.push(`mint ${JSON.stringify(body)} without an organisation → 201`);
    }
    expect(failures).toEqual([]);
    console.log(`component fuzz: ${ROUNDS} requests, answers by status ${JSON.stringify(answers)}`);
    expect(answers["200"] ?? 0).toBeGreaterThan(10);
    expect(answers["403"] ?? 0).toBeGreaterThan(10);

    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
    expect((await call(link.url, "GET", "/connections", { binding })).status).toBe(200);
    expect((await call(link.url, "POST", "/open", { body: {} })).body.error.code).toBe("connect_link_opened_elsewhere");
    expect(stack.log.text()).not.toContain(binding);
    const redis = new Redis(stack.redis.url);
    try {
      for (const key of await redis.keys("*connect-link*")) expect(await redis.pttl(key), key).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  }, 180_000);
});
