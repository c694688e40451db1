import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintConnectCheck } from "../../src/connect/connect-check.ts";
import { loadConfig } from "../../src/core/config.ts";
import { mintViewerCheck } from "../../src/live-view/viewer-check.ts";
import { connectLinkClient } from "../helpers/connect-link-client.ts";
import { startTestStack, type TestStack } from "../helpers/test-stack.ts";

const VERIFIER_KEY = randomBytes(32).toString("base64");

describe("connect page with the live view's embedding and anti-phishing settings, the app's connect check and its own return scheme", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      scriptedUser: false,
      env: {
        LIVE_VIEW_VERIFIER_KEY: randomBytes(32).toString("base64"),
        LIVE_VIEW_FRAME_ANCESTORS: "https://app.example.com",
        CONNECT_VERIFIER_KEY: VERIFIER_KEY,
        CONNECT_RETURN_SCHEMES: "https,myapp",
      },
    });
  }, 60_000);
  afterAll(() => stack?.close());

  const mint = async (subject: string, body: Record<string, unknown> = { providers: ["demo"] }) => {
    const res = await stack.api("POST", "/connect/links", { subject, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; url: string };
  };

  it("hands a checked viewer link to the browser that opened the connect link, and to no other; the listed app may embed both pages", async () => {
    const { id, url } = await mint("person-g");
    const page = await fetch(`${url}?check=${mintConnectCheck(VERIFIER_KEY, id)}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors https://app.example.com;");

    const person = connectLinkClient(url);
    expect((await person.open(mintConnectCheck(VERIFIER_KEY, id))).status).toBe(200);
    const started = await person.call("POST", "/browser-login", { providerId: "demo" });
    expect(started.status).toBe(202);
    const session = started.body;
    expect(session.liveViewUrl).toMatch(/\/live\/[^?]+\?check=\d+\.[A-Za-z0-9_-]{43}$/);
    const viewer = await fetch(session.liveViewUrl);
    expect(viewer.status).toBe(200);
    // The app nests the two pages: the viewer accepts both the app and the connect page (its own origin) as ancestors.
    expect(viewer.headers.get("content-security-policy")).toContain("frame-ancestors https://app.example.com 'self';");
    // Without the check the same link does not open.
    expect((await fetch(session.liveViewUrl.split("?")[0])).status).toBe(403);

    // Whoever else holds the connect link (and even the app's check that came with it) gets no viewer link:
    // every endpoint answers only to the browser that opened it.
    const stranger = connectLinkClient(url);
    expect((await stranger.open(mintConnectCheck(VERIFIER_KEY, id))).body.error.code).toBe(
      "connect_link_opened_elsewhere",
    );
    const peek = await stranger.call("GET", `/browser-login/${session.sessionId}`);
    expect(peek).toEqual({
      status: 403,
      body: { error: { code: "connect_link_opened_elsewhere", message: expect.any(String) } },
    });

    expect((await person.call("POST", `/browser-login/${session.sessionId}/cancel`)).status).toBe(200);
    expect((await stack.api("GET", `/browser-login/${session.sessionId}`, { subject: "person-g" })).body.status).toBe(
      "cancelled",
    );
  }, 60_000);

  it("opens a link the first time only with the app's fresh check for that link: missing, expired, forged or another link's are refused", async () => {
    const link = await mint("person-v");
    const other = await mint("person-v");
    const bare = await fetch(link.url);
    expect(bare.status).toBe(403);
    expect(await bare.text()).toContain("Open this page from the app");

    const [expiry, mac] = mintConnectCheck(VERIFIER_KEY, link.id).split(".") as [string, string];
    const refused = {
      missing: undefined,
      empty: "",
      expired: mintConnectCheck(VERIFIER_KEY, link.id, 60_000, Date.now() - 120_000),
      "another key": mintConnectCheck(randomBytes(32).toString("base64"), link.id),
      "another link's": mintConnectCheck(VERIFIER_KEY, other.id),
      "a viewer check": mintViewerCheck(VERIFIER_KEY, link.id),
      "a flipped MAC": `${expiry}.${mac.startsWith("A") ? "B" : "A"}${mac.slice(1)}`,
      "a later expiry": `${Number(expiry) + 1}.${mac}`,
      garbage: "1.2.3",
    };
    const browser = connectLinkClient(link.url);
    for (const [what, check] of Object.entries(refused)) {
      const page = await fetch(check === undefined ? link.url : `${link.url}?check=${encodeURIComponent(check)}`);
      expect(page.status, what).toBe(403);
      expect(await browser.open(check), what).toEqual({
        status: 403,
        body: { error: { code: "connect_check_failed", message: expect.any(String) } },
      });
      expect(browser.cookie(), what).toBe("");
    }

    // A fresh check for this link opens it, once: this browser keeps it and needs no check after that.
    const check = mintConnectCheck(VERIFIER_KEY, link.id);
    expect((await fetch(`${link.url}?check=${check}`)).status).toBe(200);
    expect((await browser.open(check)).status).toBe(200);
    expect((await browser.call("GET", "/connections")).status).toBe(200);
    expect((await browser.open()).status).toBe(200);
    expect((await fetch(link.url, { headers: { cookie: browser.cookie() } })).status).toBe(200);
    // The link and its check forwarded together, within the check's minute: the other browser is refused.
    const forwardedTo = connectLinkClient(link.url);
    expect((await forwardedTo.open(check)).body.error.code).toBe("connect_link_opened_elsewhere");
    const page = await fetch(`${link.url}?check=${check}`);
    expect(page.status).toBe(403);
    expect(await page.text()).toContain("This link was already opened in another browser");
  }, 30_000);

  it("takes return URLs of the schemes the operator allows, and no others", async () => {
    const allowed = ["myapp://connected", "myapp:callback?from=web", "https://app.example.com/done#top"];
    for (const successUrl of allowed) {
      const minted = await stack.api("POST", "/connect/links", {
        subject: "person-s",
        body: { successUrl, errorUrl: successUrl, returnUrl: successUrl },
      });
      expect(minted.status, successUrl).toBe(201);
      const browser = connectLinkClient(minted.body.url);
      const { body } = await browser.open(mintConnectCheck(VERIFIER_KEY, minted.body.id));
      expect(body.successUrl).toBe(successUrl);
      expect(body.errorUrl).toBe(successUrl);
    }
    const refused = [
      "http://app.example.com/done", // http is not on this deployment's list
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      "java\tscript:alert(1)",
      " https://app.example.com/",
      "https://app.example.com/\n",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "file:///etc/passwd",
      "https://user:secret@app.example.com/",
      "myapp://user:secret@connected",
      "//app.example.com/done",
      "/relative",
      "ftp://app.example.com/",
      `https://app.example.com/${"a".repeat(2100)}`,
    ];
    for (const url of refused) {
      for (const field of ["successUrl", "errorUrl", "returnUrl"]) {
        const res = await stack.api("POST", "/connect/links", { subject: "person-s", body: { [field]: url } });
        expect(res.status, `${field} ${url}`).toBe(400);
        expect(res.body.error.code).toBe("invalid_request");
      }
    }
  });
});

describe("connect settings", () => {
  it("gives ten minutes to open a link and an hour of use once opened, and refuses schemes that run code", () => {
    const config = loadConfig({});
    expect(config.CONNECT_LINK_TTL_SECONDS).toBe(600);
    expect(config.CONNECT_PAGE_TTL_SECONDS).toBe(3_600);
    expect(config.CONNECT_RETURN_SCHEMES).toEqual(["https", "http"]);
    expect(loadConfig({ CONNECT_RETURN_SCHEMES: "https, com.example.app" }).CONNECT_RETURN_SCHEMES).toEqual([
      "https",
      "com.example.app",
    ]);
    for (const scheme of ["javascript", "data", "file", "https:", "My App"]) {
      expect(() => loadConfig({ CONNECT_RETURN_SCHEMES: scheme }), scheme).toThrow(/CONNECT_RETURN_SCHEMES/);
    }
    expect(() => loadConfig({ CONNECT_VERIFIER_KEY: "short" })).toThrow(/CONNECT_VERIFIER_KEY/);
    expect(() => loadConfig({ CONNECT_LINK_TTL_SECONDS: "7200" })).toThrow(/CONNECT_LINK_TTL_SECONDS/);
  });

  it("lists no component origin unless told, and takes exact origins only (they are compared with what browsers send)", () => {
    expect(loadConfig({}).CONNECT_COMPONENT_ORIGINS).toEqual([]);
    expect(
      loadConfig({ CONNECT_COMPONENT_ORIGINS: "https://app.example.com, http://localhost:5173" })
        .CONNECT_COMPONENT_ORIGINS,
    ).toEqual(["https://app.example.com", "http://localhost:5173"]);
    for (const origin of [
      "https://app.example.com/",
      "https://*.example.com",
      "'self'",
      "app.example.com",
      "https://APP.example.com",
      "https://app.example.com:443",
      "ftp://app.example.com",
      "null",
    ]) {
      expect(() => loadConfig({ CONNECT_COMPONENT_ORIGINS: origin }), origin).toThrow(/CONNECT_COMPONENT_ORIGINS/);
    }
  });
});
