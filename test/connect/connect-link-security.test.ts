import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectLinkClient } from "../helpers/connect-link-client.ts";
import { headerSafe, mulberry32, pickFrom, randomJson, randomText } from "../helpers/fuzz.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * Connect links as capabilities, over HTTP without a browser: who gets a link, for how long, what
 * revoking it ends, where its page may send the person; and a fuzz run over its endpoints. No
 * worker: logins started here stay queued (revoking still cancels them).
 */
describe("connect links: binding, lifetimes, revocation, return URLs, fuzzed", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ withWorker: false, scriptedUser: false });
  }, 60_000);
  afterAll(() => stack?.close());

  const mint = async (subject: string, body: Record<string, unknown> = { providers: ["demo"] }) => {
    const res = await stack.api("POST", "/connect/links", { subject, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; url: string; expiresAt: string };
  };

  it("of ten browsers opening a link at once, gives it to exactly one", async () => {
    const link = await mint("person-race");
    const browsers = Array.from({ length: 10 }, () => connectLinkClient(link.url));
    const opened = await Promise.all(browsers.map((b) => b.open()));
    expect(opened.filter((o) => o.status === 200)).toHaveLength(1);
    const refused = opened.filter((o) => o.status === 403);
    expect(refused).toHaveLength(9);
    for (const r of refused) expect(r.body.error.code).toBe("connect_link_opened_elsewhere");
    const answers = await Promise.all(browsers.map((b) => b.call("GET", "/connections")));
    expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array(9).fill(403)]);
    // Not opened yet: its endpoints answer nobody.
    const unopened = connectLinkClient((await mint("person-race")).url);
    expect((await unopened.call("GET", "/link")).body.error.code).toBe("connect_link_not_opened");
  });

  it("refuses a cross-site request before the cookie counts", async () => {
    const link = await mint("person-xs");
    const browser = connectLinkClient(link.url);
    const crossSite = await browser.call("POST", "/open", {}, { "sec-fetch-site": "cross-site" });
    expect(crossSite).toEqual({
      status: 403,
      body: { error: { code: "cross_site_request", message: expect.any(String) } },
    });
    expect(browser.cookie()).toBe("");
    expect((await browser.open()).status).toBe(200);
    const disconnect = (site: string) =>
      browser.call("DELETE", `/connections/cred_${"0".repeat(8)}-0000-0000-0000-${"0".repeat(12)}`, undefined, {
        "sec-fetch-site": site,
      });
    expect((await disconnect("same-site")).body.error.code).toBe("cross_site_request");
    expect((await disconnect("same-origin")).body.error.code).toBe("credential_not_found");
  });

  it("works until its deadline to open unless opened; once opened, in that browser past it", async () => {
    const opened = await mint("person-ttl", { providers: ["demo"], ttlSeconds: 2 });
    const unopened = await mint("person-ttl", { providers: ["demo"], ttlSeconds: 2 });
    const browser = connectLinkClient(opened.url);
    const view = await browser.open();
    expect(view.status).toBe(200);
    // The page's own answer says until when it works: the page time from the first open (an hour).
    expect(Date.parse(view.body.expiresAt) - Date.now()).toBeGreaterThan(59 * 60_000);
    const attributes = browser.setCookie()!.split("; ");
    expect(attributes[0]).toMatch(/^blc_connect=[A-Za-z0-9_-]{43}$/);
    expect(attributes.slice(1).sort()).toEqual([
      "HttpOnly",
      expect.stringMatching(/^Max-Age=(3599|3600)$/),
      `Path=/connect/${new URL(opened.url).pathname.split("/")[2]}`,
      "SameSite=Lax",
    ]);

    await waitFor(async () => (await fetch(unopened.url)).status === 410, { what: "the unopened link to expire" });
    expect((await connectLinkClient(unopened.url).open()).body.error.code).toBe("connect_link_expired");
    expect((await browser.call("GET", "/connections")).status).toBe(200);
    expect((await fetch(opened.url, { headers: { cookie: browser.cookie() } })).status).toBe(200);
    // And still nobody else's.
    expect((await connectLinkClient(opened.url).open()).status).toBe(403);

    // The app may ask for less than CONNECT_LINK_TTL_SECONDS, not more.
    const longer = await stack.api("POST", "/connect/links", { subject: "person-ttl", body: { ttlSeconds: 601 } });
    expect(longer.status).toBe(400);
    expect(longer.body.error.message).toContain("CONNECT_LINK_TTL_SECONDS");
  });

  it("revoked: cancels the logins it started, even queued ones; its pages offer the app's errorUrl", async () => {
    const errorUrl = "https://app.example.com/connect-failed?x=1";
    const link = await mint("person-rv", { providers: ["demo"], errorUrl });
    const browser = connectLinkClient(link.url);
    await browser.open();
    // Queued: no worker takes it here.
    const started = await browser.call("POST", "/browser-login", { providerId: "demo" });
    expect(started.status).toBe(202);
    const sessions: string[] = [started.body.sessionId];
    const listed = (await stack.api("GET", "/connect/links", { subject: "person-rv" })).body.links;
    expect(listed.map((l: { id: string }) => l.id)).toEqual([link.id]);

    expect((await stack.api("DELETE", `/connect/links/${link.id}`, { subject: "person-rv" })).status).toBe(204);
    for (const id of sessions) {
      const session = (await stack.api("GET", `/browser-login/${id}`, { subject: "person-rv" })).body;
      expect(session.status).toBe("cancelled");
      expect(session.error.message).toContain("revoked the connect link");
    }
    expect((await browser.call("POST", "/browser-login", { providerId: "demo" })).body.error.code).toBe(
      "connect_link_revoked",
    );
    const page = await fetch(link.url, { headers: { cookie: browser.cookie() } });
    expect(page.status).toBe(410);
    const html = await page.text();
    expect(html).toContain("This link was withdrawn");
    // The app's address, with the outcome, escaped for HTML.
    expect(html).toContain(
      `<a href="https://app.example.com/connect-failed?x=1&#38;status=link_revoked">Back to the app</a>`,
    );

    // Unknown ids, and ids that are not link ids.
    expect((await stack.api("DELETE", `/connect/links/cl_${"0".repeat(32)}`, { subject: "person-rv" })).status).toBe(
      404,
    );
    expect((await stack.api("DELETE", "/connect/links/nope", { subject: "person-rv" })).status).toBe(400);
  });

  it("takes http(s) return URLs by default, and no other scheme", async () => {
    await mint("person-ret", { successUrl: "http://localhost:8080/done", errorUrl: "https://app.example.com/" });
    for (const url of ["myapp://connected", "javascript:alert(1)", "https://a:b@app.example.com/"]) {
      const res = await stack.api("POST", "/connect/links", { subject: "person-ret", body: { successUrl: url } });
      expect(res.status, url).toBe(400);
    }
  });

  it("fuzzed: tokens, cookies, methods, headers and bodies get a 4xx or a page, never a 5xx; the bound link stays its browser's", async () => {
    const random = mulberry32(0x5eed_c0de);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const owner = "person-fuzz";
    const bound = await mint(owner, { providers: ["demo", "demo-spa"], errorUrl: "https://app.example.com/e" });
    const person = connectLinkClient(bound.url);
    expect((await person.open()).status).toBe(200);
    const revoked = await mint(owner);
    // What the fuzzed revokes may take (the person's link is revoked only by "someone-else", who cannot).
    const spare = await mint(owner);
    expect((await stack.api("DELETE", `/connect/links/${revoked.id}`, { subject: owner })).status).toBe(204);
    const expired = await mint(owner, { ttlSeconds: 1 });
    const tokenOf = (url: string) => new URL(url).pathname.split("/")[2]!;
    const goodToken = tokenOf(bound.url);

    const tokens = () => {
      const [id, expiry, mac] = goodToken.split(".") as [string, string, string];
      return pick([
        goodToken,
        goodToken,
        tokenOf(revoked.url),
        tokenOf(expired.url),
        `${id}.${expiry}.${flip(mac, random)}`,
        `${id}.${(parseInt(expiry, 36) + 1).toString(36)}.${mac}`,
        `${id}.zzzzzzzzzzz.${mac}`,
        `${id}..${mac}`,
        goodToken.slice(0, Math.floor(random() * goodToken.length)),
        `${goodToken}${randomText(random, 5)}`,
        encodeURIComponent(randomText(random, 40)),
        "%zz",
        "%",
        "..",
        "links",
        "a".repeat(250),
        "",
      ]);
    };
    // The link's endpoints, each with its method; some runs take another method or path.
    const endpoints = () =>
      pick([
        ["GET", ""],
        ["POST", "/open"],
        ["POST", "/open"],
        ["GET", "/link"],
        ["GET", "/connections"],
        ["DELETE", `/connections/${pick(["cred_x", `cred_${"0".repeat(8)}-0000-0000-0000-${"0".repeat(12)}`, "%zz"])}`],
        ["POST", "/browser-login"],
        ["GET", `/browser-login/${pick(["ls_1", `ls_${"a".repeat(32)}`, "%00"])}?changedFrom=queued`],
        ["POST", `/browser-login/ls_${"a".repeat(32)}/${pick(["done", "cancel"])}`],
        ["POST", "/api-key"],
        ["POST", "/oauth2"],
        [pick(["GET", "POST"]), `/${encodeURIComponent(randomText(random, 10))}`],
      ] as const);
    const cookies = () =>
      pick([
        "",
        person.cookie(),
        person.cookie(),
        `blc_connect=${headerSafe(randomText(random, 43))}`,
        `blc_connect=${encodeURIComponent(randomText(random, 43))}`,
        `blc_connect=${"A".repeat(43)}`,
        `blc_connect=${person.cookie().split("=")[1]}x`,
        "blc_connect",
        "=;;;=",
        `${person.cookie()}; blc_connect=${"B".repeat(43)}`,
        Array.from({ length: 50 }, (_, i) => `c${i}=${i}`).join("; "),
        `big=${"x".repeat(6000)}`,
      ]);
    const bodies = (): string | undefined =>
      pick([
        undefined,
        "{}",
        "",
        "null",
        "[]",
        "{",
        '{"check":123}',
        `{"check":${JSON.stringify(randomText(random, 200))}}`,
        '{"providerId":"demo"}',
        '{"providerId":"demo-spa"}',
        `{"providerId":${JSON.stringify(randomText(random, 70))}}`,
        `{"providerId":"demo","fields":{"k":${JSON.stringify("v".repeat(8000))}}}`,
        `{"providerId":"demo","extra":true}`,
        JSON.stringify(randomJson(random, 4, BODY_KEYS)),
        "\u0000\u00ff\ud800",
      ]);

    const answers: Record<string, number> = {};
    const failures: string[] = [];
    const note = (what: string, status: number, contentType: string | null, text: string) => {
      answers[String(status)] = (answers[String(status)] ?? 0) + 1;
      if (status >= 500) failures.push(`${what} → ${status} ${text.slice(0, 200)}`);
      if (status >= 400 && contentType?.includes("json") && text) {
        const body = JSON.parse(text);
        if (typeof body?.error?.code !== "string" || typeof body?.error?.message !== "string")
          failures.push(`${what} → ${status} not the error shape: ${text.slice(0, 200)}`);
      }
    };

    const ROUNDS = 500;
    for (let round = 0; round < ROUNDS; round += 1) {
      const keyed = random() < 0.15;
      const [usual, suffix] = endpoints();
      const method = random() < 0.8 ? usual : pick(["GET", "POST", "DELETE", "PUT", "HEAD", "OPTIONS"]);
      const body = method === "GET" || method === "HEAD" ? undefined : bodies();
      const subject = pick([owner, "someone-else"]);
      const check = `${suffix.includes("?") ? "&" : "?"}check=${encodeURIComponent(randomText(random, 60))}`;
      const path = keyed
        ? pick([
            "/connect/links",
            `/connect/links/${pick([subject === owner ? spare.id : bound.id, revoked.id, "cl_zz", encodeURIComponent(randomText(random, 20))])}`,
          ])
        : `/connect/${tokens()}${suffix}${random() < 0.2 ? check : ""}`;
      const headers: Record<string, string> = {
        ...(body !== undefined
          ? { "content-type": pick(["application/json", "application/json", "text/plain", "multipart/form-data"]) }
          : {}),
        ...(random() < 0.2 ? { "sec-fetch-site": pick(["cross-site", "same-site", "none", "same-origin", "x"]) } : {}),
      };
      const cookie = cookies();
      if (cookie) headers.cookie = cookie;
      if (keyed) {
        headers.authorization = `Bearer ${stack.apiKey}`;
        headers["x-subject-user-id"] = subject;
      }
      const keyedBody =
        keyed && method === "POST"
          ? JSON.stringify(
              pick([
                { successUrl: randomUrl(random) },
                { errorUrl: randomUrl(random), providers: ["demo"] },
                { returnUrl: randomUrl(random), ttlSeconds: Math.floor(random() * 5000) - 10 },
                randomJson(random, 3, BODY_KEYS),
              ]),
            )
          : body;
      const what = `${method} ${path.slice(0, 120)} body=${(keyedBody ?? "").slice(0, 60)}`;
      const res = await fetch(`${stack.baseUrl}${path}`, {
        method,
        headers,
        ...(keyedBody !== undefined ? { body: keyedBody } : {}),
        signal: AbortSignal.timeout(20_000),
      }).catch((error: Error) => {
        failures.push(`${what} → ${error.message}`);
        return undefined;
      });
      if (res && path.includes(goodToken) && round < 200)
        console.log(
          res.status,
          method,
          path.slice(60, 100),
          JSON.stringify(headers.cookie ?? "").slice(0, 30),
          JSON.stringify(headers["content-type"]),
        );
      if (res) note(what, res.status, res.headers.get("content-type"), await res.text());
    }
    expect(failures).toEqual([]);
    console.log(`connect fuzz: ${ROUNDS} requests, answers by status ${JSON.stringify(answers)}`);
    // The run reached the endpoints, not only their refusals.
    expect(answers["200"] ?? 0).toBeGreaterThan(10);
    expect(answers["403"] ?? 0).toBeGreaterThan(10);
    expect(answers["404"] ?? 0).toBeGreaterThan(10);

    // The service is up, and the link is still the person's browser's, and nobody else's.
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
    expect((await person.call("GET", "/connections")).status).toBe(200);
    expect((await connectLinkClient(bound.url).open()).body.error.code).toBe("connect_link_opened_elsewhere");
    // Every key the links left in Redis expires by itself.
    const redis = new Redis(stack.redis.url);
    try {
      for (const key of await redis.keys("*connect-link*")) expect(await redis.pttl(key), key).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  }, 180_000);
});

function flip(text: string, random: () => number): string {
  const i = Math.floor(random() * text.length);
  return `${text.slice(0, i)}${text[i] === "A" ? "B" : "A"}${text.slice(i + 1)}`;
}

/** The names the connect endpoints read, for random bodies. */
const BODY_KEYS = ["providerId", "check", "fields", "successUrl", "errorUrl"] as const;

function randomUrl(random: () => number): string {
  return `${pickFrom(random, ["https", "http", "javascript", "JAVASCRIPT", "myapp", "data", " https", "java\tscript", "", "ht%74p"])}:${pickFrom(random, ["//", "", "///"])}${pickFrom(random, ["app.example.com", "u:p@app.example.com", "", "[::1]", "%zz"])}${randomText(random, 20)}`;
}
