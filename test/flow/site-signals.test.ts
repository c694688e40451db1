import { randomBytes, randomUUID } from "node:crypto";
import { Secret } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_LOCKED_USER, DEMO_USER } from "../../src/demo/demo-site.ts";
import type { ProviderInput } from "../../src/providers/provider-schema.ts";
import { FIXTURE_TOTP_SECRET, type FixtureSite, fixtureTotpUri } from "../fixtures/fixture-site.ts";
import { dumpRedis } from "../helpers/redis-dump.ts";
import { waitForStatus } from "../helpers/sessions.ts";
import { fixtureProviders, startTestStack, type TestStack } from "../helpers/test-stack.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * What real sites say on the way to a login besides success (issue 18 §4): a one-time-code step the
 * worker fills from the person's TOTP secret (at login, re-login and verify), pages that end the
 * session with a reason the person can act on, and rejections that count only once the person has
 * used the page. Real Redis, real Chromium, the fixture site; the person is a script typing into the
 * login page the worker opened.
 */

const CODE_STEP = {
  when: { all: [{ url: { pathname: "/login/code" } }, { element: "#code" }] },
  field: "#code",
  rejected: { url: { pathname: "/login/code", search: "error=*" } },
};

function providers(site: FixtureSite): ProviderInput[] {
  const demo = fixtureProviders(site).find((p) => p.id === "demo") as ProviderInput & { kind?: "browser_login" };
  return [
    {
      ...demo,
      id: "demo-totp",
      name: "Demo with a code step",
      totp: CODE_STEP,
      blocked: [{ code: "account_locked", when: { text: "This account is locked" } }],
      // The dashboard for a logged-in visitor; a remembered device without a session is asked for a code only.
      verify: {
        url: `${site.appOrigin}/dashboard`,
        loggedIn: { url: { pathname: "/dashboard" } },
        loggedOut: { url: { pathname: "/login", search: "" } },
        settleMs: 1_500,
        timeoutMs: 20_000,
      },
    },
    {
      id: "walls",
      name: "A site that puts things in the way",
      loginUrl: `${site.appOrigin}/wall`,
      success: { storage: { key: "never.set" } },
      blocked: [
        { code: "bot_detected", when: { text: "This browser or app may not be secure" } },
        { code: "captcha_blocked", when: { element: "#captcha-wall" } },
        { code: "unsupported_auth_method", when: { element: "[data-passkey-only]" }, message: "Passkeys only" },
        { code: "credentials_invalid", when: { text: "this account   NO LONGER exists" } },
        { code: "bot_detected", when: { response: { url: { pathname: "/api/wall-challenge" }, status: 403 } } },
      ],
    },
    // A careless rule: any 401 of the app's API is a rejection. Only the person's attempts may count.
    {
      id: "probing",
      name: "Probing app",
      loginUrl: `${site.appOrigin}/probing-spa`,
      success: { storage: { key: "spa.token" } },
      failureResponses: [{ url: { pathname: "/api/*" }, status: 401 }],
    },
    {
      id: "probing-post",
      name: "Probing app, login requests by method",
      loginUrl: `${site.appOrigin}/probing-spa`,
      success: { storage: { key: "spa.token" } },
      failureResponses: [{ url: { pathname: "/api/*" }, status: 401, method: "post" }],
    },
    {
      id: "probing-header",
      name: "Probing app, login requests by header",
      loginUrl: `${site.appOrigin}/probing-spa`,
      success: { storage: { key: "spa.token" } },
      failureResponses: [{ url: { pathname: "/api/*" }, requestHeader: { name: "X-Login-Attempt", value: "1" } }],
    },
  ];
}

describe("second factors and what sites impose (local Chromium, real Redis)", () => {
  let stack: TestStack;
  const OTHER_SECRET = new Secret({ size: 20 }).base32;

  beforeAll(async () => {
    stack = await startTestStack({ extraProviders: providers, env: { SESSION_TIMEOUT_MS: "90000" } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Starts a session at `path` (tagged, so the script finds its tab) with more of the start body. */
  async function start(providerId: string, path: string, more: { totpSecret?: string } = {}) {
    const tag = randomUUID();
    const loginUrl = `${stack.site.appOrigin}${path}${path.includes("?") ? "&" : "?"}tag=${tag}`;
    const { data, error, response } = await stack
      .client()
      .POST("/browser-login/start", { params: { query: { wait: 10_000 } }, body: { providerId, loginUrl, ...more } });
    if (!data) throw new Error(`start answered ${response.status}: ${JSON.stringify(error)}`);
    return { tag, sessionId: data.sessionId };
  }
  const pageOf = (tag: string) => stack.user.findPage((u) => u.includes(tag), 20_000);
  const credential = async (id: string) => (await stack.api("GET", `/credentials/${id}`)).body;

  describe("TOTP", () => {
    let credentialId: string;

    it("at login: the person types the password, the worker types the code from the secret given at start", async () => {
      const before = stack.site.codeAttempts();
      const { tag, sessionId } = await start("demo-totp", "/login", { totpSecret: fixtureTotpUri() });
      await stack.user.logIn(await pageOf(tag), { username: "tess1", password: DEMO_USER.password });
      const done = await waitForStatus(stack, sessionId, "completed", { timeoutMs: 60_000 });
      credentialId = done.credentialId!;
      expect(stack.site.codeAttempts() - before).toBe(1);
      const view = await credential(credentialId);
      expect(view.secondFactor).toEqual({
        kind: "totp",
        setAt: expect.any(String),
        lastUsedAt: expect.any(String),
      });
      // Never handed out: not with the storage state, not in the metadata.
      const state = await stack.api("GET", `/credentials/${credentialId}/storage-state`);
      expect(state.status).toBe(200);
      expect(Object.keys(state.body.storageState).sort()).toEqual(["cookies", "origins"]);
      expect(JSON.stringify(state.body)).not.toContain(FIXTURE_TOTP_SECRET);
      expect(JSON.stringify(view)).not.toContain(FIXTURE_TOTP_SECRET);
    });

    it("at re-login: nobody types anything; the worker types a fresh code (never the one already used)", async () => {
      const before = await credential(credentialId);
      stack.site.revokeSessions("tess1");
      const started = await stack.api("POST", `/credentials/${credentialId}/relogin`);
      expect(started.status).toBe(202);
      await waitForStatus(stack, started.body.sessionId, "completed", { timeoutMs: 60_000 });
      const after = await credential(credentialId);
      expect(after.version).toBe(before.version + 1);
      // The same secret, kept through the renewal; its last use moved on by at least one 5 s period.
      expect(after.secondFactor.setAt).toBe(before.secondFactor.setAt);
      expect(Date.parse(after.secondFactor.lastUsedAt) - Date.parse(before.secondFactor.lastUsedAt)).toBeGreaterThan(0);
    });

    it("at verify: a remembered device asked for a code only is logged in again, and refresh keeps the new session", async () => {
      const before = await credential(credentialId);
      stack.site.revokeSessions("tess1");
      const checked = await stack.api("POST", `/credentials/${credentialId}/verify?refresh=true&wait=60000`);
      expect(checked.status).toBe(200);
      expect(checked.body).toMatchObject({ status: "active", refreshed: true });
      const after = await credential(credentialId);
      expect(after.secondFactor.lastUsedAt > before.secondFactor.lastUsedAt).toBe(true);
      // The refreshed state works: the dashboard answers its cookies without a code.
      const state = (await stack.api("GET", `/credentials/${credentialId}/storage-state`)).body.storageState;
      const cookie = state.cookies
        .filter((c: { domain: string }) => c.domain === "localhost")
        .map((c: { name: string; value: string }) => `${c.name}=${c.value}`)
        .join("; ");
      const me = await fetch(`${stack.site.appOrigin}/api/me`, { headers: { cookie } });
      expect(me.status).toBe(200);
    });

    it("a secret the site turns down ends the session totp_rejected, is never tried again, and a new one lifts that", async () => {
      const put = await stack.api("PUT", `/credentials/${credentialId}/totp`, { body: { secret: OTHER_SECRET } });
      expect(put.status).toBe(200);
      expect(put.body.secondFactor).toEqual({ kind: "totp", setAt: expect.any(String) });
      expect(put.body.version).toBe((await credential(credentialId)).version);
      stack.site.revokeSessions("tess1");
      const codesBefore = stack.site.codeAttempts();
      const started = await stack.api("POST", `/credentials/${credentialId}/relogin`);
      const failed = await waitForStatus(stack, started.body.sessionId, ["failed", "completed"], { timeoutMs: 60_000 });
      expect(failed.status).toBe("failed");
      expect(failed.error?.code).toBe("totp_rejected");
      expect(stack.site.codeAttempts() - codesBefore).toBe(1);
      expect((await credential(credentialId)).secondFactor).toMatchObject({ rejectedAt: expect.any(String) });
      // Writing the secret and keeping it through the re-login's renewal were decrypts, and audited.
      const purposes = (await stack.api("GET", `/credentials/${credentialId}/audit`)).body.entries.map(
        (e: { purpose: string }) => e.purpose,
      );
      expect(purposes).toEqual(expect.arrayContaining(["totp_secret_written", "totp_secret_kept", "relogin_seed"]));

      // A check after that types no code: the site's question stays unanswered, and says so.
      const checked = await stack.api("POST", `/credentials/${credentialId}/verify?wait=60000`);
      expect(checked.body).toMatchObject({ status: "needs_reauth", reason: expect.stringMatching(/^totp_required/) });
      expect(stack.site.codeAttempts() - codesBefore).toBe(1);

      // The right secret again (base32 with spaces, as apps show it): the rejection is lifted, the next re-login works.
      const spaced = FIXTURE_TOTP_SECRET.toLowerCase().replace(/(.{4})/g, "$1 ");
      const again = await stack.api("PUT", `/credentials/${credentialId}/totp`, { body: { secret: spaced } });
      expect(again.status).toBe(200);
      expect(again.body.secondFactor.rejectedAt).toBeUndefined();
    });

    it("without a secret the code is the person's: a check says totp_required, a login waits for them", async () => {
      expect((await stack.api("DELETE", `/credentials/${credentialId}/totp`)).status).toBe(204);
      expect((await stack.api("DELETE", `/credentials/${credentialId}/totp`)).status).toBe(204);
      expect((await credential(credentialId)).secondFactor).toBeUndefined();
      stack.site.revokeSessions("tess1");
      const checked = await stack.api("POST", `/credentials/${credentialId}/verify?wait=60000`);
      expect(checked.body).toMatchObject({ status: "needs_reauth", reason: expect.stringMatching(/^totp_required/) });

      // A first login without a secret: the person types the code themselves.
      const codesBefore = stack.site.codeAttempts();
      const { tag, sessionId } = await start("demo-totp", "/login");
      const page = await pageOf(tag);
      await stack.user.logIn(page, { username: "tess2", password: DEMO_USER.password });
      await page.waitForURL(/\/login\/code/);
      const { TOTP } = await import("otpauth");
      const code = new TOTP({ secret: Secret.fromBase32(FIXTURE_TOTP_SECRET), period: 5 }).generate();
      await page.locator("#code").fill(code);
      await page.locator("#verify").click();
      const done = await waitForStatus(stack, sessionId, "completed", { timeoutMs: 60_000 });
      expect(stack.site.codeAttempts() - codesBefore).toBe(1);
      expect((await credential(done.credentialId!)).secondFactor).toBeUndefined();
    });

    it("refuses a secret that does not read, and one for a provider without a code step, quoting neither", async () => {
      const bad = await stack.api("PUT", `/credentials/${credentialId}/totp`, { body: { secret: "not base32!" } });
      expect(bad).toMatchObject({ status: 400, body: { error: { code: "invalid_totp_secret" } } });
      expect(JSON.stringify(bad.body)).not.toContain("not base32!");
      const hotp = await stack.api("PUT", `/credentials/${credentialId}/totp`, {
        body: { secret: `otpauth://hotp/X?secret=${FIXTURE_TOTP_SECRET}&counter=1` },
      });
      expect(hotp).toMatchObject({ status: 400, body: { error: { code: "invalid_totp_secret" } } });
      const short = await stack.api("PUT", `/credentials/${credentialId}/totp`, { body: { secret: "JBSWY3DP" } });
      expect(short).toMatchObject({ status: 400, body: { error: { code: "invalid_totp_secret" } } });
      const noStep = await stack
        .client()
        .POST("/browser-login/start", { body: { providerId: "demo", totpSecret: FIXTURE_TOTP_SECRET } });
      expect(noStep.response.status).toBe(409);
      expect(noStep.error?.error.code).toBe("totp_not_declared");
      const other = await stack.api("PUT", `/credentials/${credentialId}/totp`, {
        body: { secret: FIXTURE_TOTP_SECRET },
        subject: "someone-else",
      });
      expect(other.status).toBe(404);
    });

    it("fuzz: any secret input gets 200 or a 4xx in the error shape, never its own text back", async () => {
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz0189 =-:/?&%#\u0000\u202e😀\\\"'";
      const inputs: unknown[] = [
        "",
        " ",
        "=".repeat(40),
        "otpauth://",
        "otpauth://totp/",
        "otpauth://totp/x?secret=",
        `otpauth://totp/x?secret=${FIXTURE_TOTP_SECRET}&digits=99`,
        `otpauth://totp/x?secret=${FIXTURE_TOTP_SECRET}&period=0`,
        `otpauth://totp/x?secret=${FIXTURE_TOTP_SECRET}&algorithm=MD5`,
        `otpauth://totp/%E0%A4%A?secret=${FIXTURE_TOTP_SECRET}`,
        "A".repeat(2048),
        "A".repeat(2049),
        "A".repeat(10_000),
        42,
        null,
        ["A"],
        { secret: "A" },
      ];
      for (let i = 0; i < 60; i++) {
        const length = 1 + (randomBytes(1)[0]! % 80);
        inputs.push(Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join(""));
      }
      for (const secret of inputs) {
        const answer = await stack.api("PUT", `/credentials/${credentialId}/totp`, { body: { secret } });
        expect([200, 400, 413], `answer to ${JSON.stringify(secret)}`).toContain(answer.status);
        if (answer.status !== 200) {
          expect(answer.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
          const sent = typeof secret === "string" ? secret.trim() : "";
          if (sent.length >= 12 && !sent.startsWith("otpauth://"))
            expect(answer.body.error.message).not.toContain(sent);
          expect(answer.body.error.message).not.toContain(FIXTURE_TOTP_SECRET);
        }
        const started = await stack.api("POST", "/browser-login/start", {
          body: { providerId: "demo-totp", totpSecret: secret },
        });
        expect([202, 400, 413], `start with ${JSON.stringify(secret)}`).toContain(started.status);
        if (started.status === 202) await stack.api("POST", `/browser-login/${started.body.sessionId}/cancel`);
      }
      // Unknown fields, wrong types, a body that is not JSON.
      for (const body of [{}, { secret: FIXTURE_TOTP_SECRET, extra: 1 }, { totp: FIXTURE_TOTP_SECRET }]) {
        const answer = await stack.api("PUT", `/credentials/${credentialId}/totp`, { body });
        expect(answer.status).toBe(400);
      }
      expect((await stack.api("PUT", `/credentials/${credentialId}/totp`, { raw: "{secret" })).status).toBe(400);
      expect(
        (await stack.api("PUT", `/credentials/cred_${randomUUID()}/totp`, { body: { secret: FIXTURE_TOTP_SECRET } }))
          .status,
      ).toBe(404);
    });

    it("the secret is nowhere in clear: not in Redis (sessions, jobs, events, credentials), not in the logs", async () => {
      const dump = await dumpRedis(stack.redis.url);
      const secrets = [FIXTURE_TOTP_SECRET, OTHER_SECRET];
      for (const secret of secrets) {
        const bytes = Buffer.from(Secret.fromBase32(secret).bytes);
        for (const form of [secret, secret.toLowerCase(), bytes.toString("hex"), bytes.toString("base64")]) {
          expect(dump).not.toContain(form);
          expect(stack.log.text()).not.toContain(form);
        }
      }
      expect(dump).not.toContain("otpauth");
      expect(stack.log.text()).not.toContain("otpauth");
      // The sessions' sealed secrets went with them.
      expect(dump).not.toMatch(/pending-totp:/);
    });
  });

  describe("blocked conditions end the session with a reason the person can act on", () => {
    const cases = [
      { kind: "not-secure", code: "bot_detected" },
      { kind: "captcha", code: "captcha_blocked" },
      { kind: "passkey", code: "unsupported_auth_method", message: "Passkeys only" },
      { kind: "gone", code: "credentials_invalid" },
      { kind: "challenge", code: "bot_detected" },
    ];
    for (const { kind, code, message } of cases) {
      it(`${kind} → ${code}`, async () => {
        const { tag, sessionId } = await start("walls", `/wall?kind=${kind}`);
        await stack.user.logIn(await pageOf(tag));
        const failed = await waitForStatus(stack, sessionId, ["failed", "completed", "expired"], { timeoutMs: 30_000 });
        expect(failed).toMatchObject({ status: "failed", error: { code } });
        if (message) expect(failed.error?.message).toBe(message);
      });
    }

    it("a locked account on the demo site → account_locked, with the bundled provider's words", async () => {
      const { tag, sessionId } = await start("demo-totp", "/login");
      await stack.user.logIn(await pageOf(tag), DEMO_LOCKED_USER);
      const failed = await waitForStatus(stack, sessionId, ["failed", "completed", "expired"], { timeoutMs: 30_000 });
      expect(failed).toMatchObject({ status: "failed", error: { code: "account_locked" } });
      expect(failed.error?.message).toMatch(/locked/);
    });

    it("a blocked condition is read without the page seeing it: no binding or global of ours in the page's world", async () => {
      const { tag, sessionId } = await start("walls", "/wall?kind=none");
      const page = await pageOf(tag);
      await waitForStatus(stack, sessionId, "awaiting_login");
      // The page's own world: what a site's script can enumerate.
      const before = await page.evaluate(() => Object.getOwnPropertyNames(window).length);
      await page.locator("#username").fill("someone");
      await waitFor(() => page.evaluate(() => Object.getOwnPropertyNames(window).length).then((n) => n === before), {
        what: "the page's globals unchanged",
      });
      const ours = await page.evaluate(() =>
        Object.getOwnPropertyNames(window).filter((name) => /^[bfw][0-9a-f]{16}$/.test(name)),
      );
      expect(ours).toEqual([]);
      await stack.api("POST", `/browser-login/${sessionId}/cancel`);
    });
  });

  describe("a rejection is the person's: counted only after their first input, narrowed by method or header", () => {
    /** Two wrong attempts, then the right one; the count once the session completed. */
    async function twoWrongThenRight(providerId: string, path: string) {
      const { tag, sessionId } = await start(providerId, `${path}${path.includes("?") ? "&" : "?"}hold=1`);
      const page = await pageOf(tag);
      // The page probes its own API as it loads (a 401), before anyone typed: let it, once the worker watches.
      await waitForStatus(stack, sessionId, "awaiting_login");
      await waitFor(() => stack.site.holding(`probe-${tag}`) > 0, { what: "the page to wait to probe" });
      stack.site.release(`probe-${tag}`);
      await waitFor(() => page.evaluate(() => document.body.dataset.probes === "1"), { what: "the first probe" });
      const reprobes = path.includes("reprobe=1");
      for (let attempt = 1; attempt <= 2; attempt++) {
        await stack.user.logIn(page, { username: DEMO_USER.username, password: "wrong" });
        await waitFor(() => page.evaluate((n) => document.body.dataset.attempts === String(n), attempt), {
          what: `attempt ${attempt} answered`,
        });
        if (reprobes) expect(await page.evaluate(() => document.body.dataset.probes)).toBe(String(1 + attempt));
      }
      await stack.user.logIn(page);
      const done = await waitForStatus(stack, sessionId, "completed", { timeoutMs: 30_000 });
      return done.lastLoginRejection?.count;
    }

    it("the login page's own probe as it loads is not a rejection; the person's two attempts are", async () => {
      expect(await twoWrongThenRight("probing", "/probing-spa")).toBe(2);
    });

    it("a rule narrowed to POST ignores the page probing again after each attempt", async () => {
      expect(await twoWrongThenRight("probing-post", "/probing-spa?reprobe=1")).toBe(2);
    });

    it("a rule narrowed to a request header ignores the probes too", async () => {
      expect(await twoWrongThenRight("probing-header", "/probing-spa?reprobe=1")).toBe(2);
    });

    it("(for comparison) the careless rule counts every probe that follows the person's input", async () => {
      expect(await twoWrongThenRight("probing", "/probing-spa?reprobe=1")).toBe(4);
    });
  });
});
