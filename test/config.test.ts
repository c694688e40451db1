import { readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/core/config.ts";
import { makeTestCertificates } from "./helpers/test-certificates.ts";

describe("configuration: the session timers", () => {
  it("reaps every 5 s with a 15 s lease unless told otherwise", () => {
    const config = loadConfig({});
    expect(config.REAP_INTERVAL_MS).toBe(5_000);
    expect(config.WORKER_LEASE_MS).toBe(15_000);
    expect(loadConfig({ REAP_INTERVAL_MS: "250" }).REAP_INTERVAL_MS).toBe(250);
  });

  it("refuses a reap interval out of range, naming the setting", () => {
    expect(() => loadConfig({ REAP_INTERVAL_MS: "10" })).toThrow(/REAP_INTERVAL_MS/);
    expect(() => loadConfig({ REAP_INTERVAL_MS: "soon" })).toThrow(/REAP_INTERVAL_MS/);
  });

  it("allows a lease under 3 s in tests only", () => {
    expect(loadConfig({ NODE_ENV: "test", WORKER_LEASE_MS: "1000" }).WORKER_LEASE_MS).toBe(1_000);
    expect(() => loadConfig({ NODE_ENV: "development", WORKER_LEASE_MS: "1000" })).toThrow(/WORKER_LEASE_MS/);
    expect(() => loadConfig({ NODE_ENV: "test", WORKER_LEASE_MS: "500" })).toThrow(/WORKER_LEASE_MS/);
  });
});

describe("configuration: log format", () => {
  it("writes human lines in development and JSON elsewhere, unless told", () => {
    expect(loadConfig({}).LOG_FORMAT).toBe("pretty");
    expect(loadConfig({ NODE_ENV: "test" }).LOG_FORMAT).toBe("json");
    expect(loadConfig({ NODE_ENV: "development", LOG_FORMAT: "json" }).LOG_FORMAT).toBe("json");
    expect(() => loadConfig({ LOG_FORMAT: "xml" })).toThrow(/LOG_FORMAT/);
  });
});

describe("configuration: credential store", () => {
  it("keeps credentials in Redis unless told, and needs DATABASE_URL for Postgres", () => {
    expect(loadConfig({}).CREDENTIAL_STORE).toBe("redis");
    expect(() => loadConfig({ CREDENTIAL_STORE: "postgres" })).toThrow(
      /required when CREDENTIAL_STORE=postgres\n.*at DATABASE_URL/,
    );
    expect(() => loadConfig({ CREDENTIAL_STORE: "postgres", DATABASE_URL: "mysql://db/x" })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ CREDENTIAL_STORE: "mongo" })).toThrow(/CREDENTIAL_STORE/);
    expect(loadConfig({ CREDENTIAL_STORE: "postgres", DATABASE_URL: "postgres://blc:pw@db:5432/blc" })).toMatchObject({
      CREDENTIAL_STORE: "postgres",
      DATABASE_POOL_SIZE: 5,
    });
  });

  it("does not echo a DATABASE_URL it refuses (it may hold a password)", () => {
    expect(() => loadConfig({ CREDENTIAL_STORE: "postgres", DATABASE_URL: "mysql://u:hunter2@db/x" })).toThrow(
      /^(?![\s\S]*hunter2)/,
    );
  });
});

describe("configuration: metrics and the queue dashboard", () => {
  it("has no metrics token or worker listener unless told, and the dashboard off in production only", () => {
    const defaults = loadConfig({});
    expect([defaults.METRICS_TOKEN, defaults.METRICS_PORT, defaults.METRICS_HOST, defaults.QUEUE_DASHBOARD]).toEqual([
      undefined,
      undefined,
      "127.0.0.1",
      true,
    ]);
    const production = { NODE_ENV: "production", API_KEYS: "k".repeat(40), ENCRYPTION_KEYS: "a:b" };
    expect(loadConfig(production).QUEUE_DASHBOARD).toBe(false);
    expect(loadConfig({ ...production, QUEUE_DASHBOARD: "true" }).QUEUE_DASHBOARD).toBe(true);
    expect(loadConfig({ QUEUE_DASHBOARD: "false" }).QUEUE_DASHBOARD).toBe(false);
    expect(() => loadConfig({ QUEUE_DASHBOARD: "maybe" })).toThrow(/QUEUE_DASHBOARD/);
  });

  it("refuses a short metrics token, or one that is also an API key, without echoing it", () => {
    expect(() => loadConfig({ METRICS_TOKEN: "short-secret" })).toThrow(/METRICS_TOKEN/);
    const token = "m".repeat(40);
    expect(() => loadConfig({ METRICS_TOKEN: token, API_KEYS: `other,${token}` })).toThrow(
      /^(?![\s\S]*mmmmmmmm)[\s\S]*METRICS_TOKEN/,
    );
    expect(loadConfig({ METRICS_TOKEN: token, METRICS_PORT: "9464" })).toMatchObject({
      METRICS_TOKEN: token,
      METRICS_PORT: 9464,
    });
    expect(() => loadConfig({ METRICS_PORT: "70000" })).toThrow(/METRICS_PORT/);
    // Compose passes an unset variable as empty: no token.
    expect(loadConfig({ METRICS_TOKEN: "" }).METRICS_TOKEN).toBeUndefined();
  });
});

describe("configuration: the live view's TLS between API and worker", () => {
  const certs = makeTestCertificates(["IP:127.0.0.1", "DNS:localhost"]);
  const other = makeTestCertificates(["DNS:localhost"]);
  afterAll(() => {
    for (const c of [certs, other]) rmSync(c.dir, { recursive: true, force: true });
  });
  const noKeyMaterial = /^(?![\s\S]*PRIVATE KEY)/;

  it("is off by default; a certificate and its key are read once, a CA too", () => {
    const defaults = loadConfig({});
    expect(defaults.LIVE_VIEW_TLS_CERT).toBeUndefined();
    expect(defaults.LIVE_VIEW_REQUIRE_TLS).toBe(false);
    expect(defaults.LIVE_VIEW_ADVERTISE_HOST).toBe("127.0.0.1");
    // Compose passes an unset variable as empty: not set.
    expect(
      loadConfig({ LIVE_VIEW_TLS_CERT: "", LIVE_VIEW_TLS_KEY: "", LIVE_VIEW_TLS_CA: "" }).LIVE_VIEW_TLS_CA,
    ).toBeUndefined();
    expect(loadConfig({ LIVE_VIEW_HOST: "0.0.0.0" }).LIVE_VIEW_ADVERTISE_HOST).toBe(hostname());
    const tls = loadConfig({
      LIVE_VIEW_TLS_CERT: certs.cert,
      LIVE_VIEW_TLS_KEY: certs.key,
      LIVE_VIEW_TLS_CA: certs.ca,
      LIVE_VIEW_REQUIRE_TLS: "true",
    });
    expect(tls.LIVE_VIEW_TLS_KEY?.pem).toBe(readFileSync(certs.key, "utf8"));
    expect(tls.LIVE_VIEW_TLS_CA?.pem).toBe(readFileSync(certs.ca, "utf8"));
    expect(tls.LIVE_VIEW_REQUIRE_TLS).toBe(true);
    expect(
      loadConfig({
        LIVE_VIEW_TLS_CERT: certs.cert,
        LIVE_VIEW_TLS_KEY: certs.key,
        LIVE_VIEW_ADVERTISE_HOST: "localhost",
      }).LIVE_VIEW_ADVERTISE_HOST,
    ).toBe("localhost");
  });

  it("stops at start-up on a certificate without its key, or the other way round", () => {
    expect(() => loadConfig({ LIVE_VIEW_TLS_CERT: certs.cert })).toThrow(
      /required with LIVE_VIEW_TLS_CERT[^\n]*\n.*at LIVE_VIEW_TLS_KEY/,
    );
    expect(() => loadConfig({ LIVE_VIEW_TLS_KEY: certs.key })).toThrow(
      /required with LIVE_VIEW_TLS_KEY[^\n]*\n.*at LIVE_VIEW_TLS_CERT/,
    );
  });

  it("stops on files it cannot read, that hold no PEM, or that do not go together, naming the file and never quoting a key", () => {
    expect(() => loadConfig({ LIVE_VIEW_TLS_CERT: certs.cert, LIVE_VIEW_TLS_KEY: `${certs.dir}/nope.key` })).toThrow(
      /cannot read .*nope\.key \(ENOENT\)\n.*at LIVE_VIEW_TLS_KEY/,
    );
    expect(() => loadConfig({ LIVE_VIEW_TLS_CA: certs.dir })).toThrow(
      /cannot read .* \(EISDIR\)\n.*at LIVE_VIEW_TLS_CA/,
    );
    expect(() => loadConfig({ LIVE_VIEW_TLS_CA: `${certs.dir}/worker.ext` })).toThrow(/worker\.ext is not a PEM file/);
    expect(() => loadConfig({ LIVE_VIEW_TLS_CA: certs.key })).toThrow(noKeyMaterial);
    expect(() => loadConfig({ LIVE_VIEW_TLS_CA: certs.key })).toThrow(/holds no certificate\n.*at LIVE_VIEW_TLS_CA/);
    expect(() => loadConfig({ LIVE_VIEW_TLS_CERT: certs.cert, LIVE_VIEW_TLS_KEY: other.key })).toThrow(
      /are not a certificate and its key \(.*key values mismatch\)/,
    );
    expect(() => loadConfig({ LIVE_VIEW_TLS_CERT: certs.key, LIVE_VIEW_TLS_KEY: certs.key })).toThrow(noKeyMaterial);
  });

  it("stops when the certificate does not name the host the API dials", () => {
    expect(() =>
      loadConfig({
        LIVE_VIEW_TLS_CERT: certs.cert,
        LIVE_VIEW_TLS_KEY: certs.key,
        LIVE_VIEW_ADVERTISE_HOST: "worker-2.internal",
      }),
    ).toThrow(
      /does not name worker-2\.internal, the host the API dials \(LIVE_VIEW_ADVERTISE_HOST\); it names IP Address:127\.0\.0\.1, DNS:localhost/,
    );
    expect(() => loadConfig({ LIVE_VIEW_TLS_CERT: other.cert, LIVE_VIEW_TLS_KEY: other.key })).toThrow(
      /does not name 127\.0\.0\.1/,
    );
  });
});

describe("configuration: the browser's sandbox and identity", () => {
  it("requires the sandbox in production and tries it elsewhere, unless told", () => {
    expect(loadConfig({}).CHROMIUM_SANDBOX).toBe("auto");
    expect(loadConfig({ NODE_ENV: "production", API_KEYS: "k", ENCRYPTION_KEYS: "x" }).CHROMIUM_SANDBOX).toBe(
      "required",
    );
    expect(loadConfig({ CHROMIUM_SANDBOX: "off" }).CHROMIUM_SANDBOX).toBe("off");
    expect(() => loadConfig({ CHROMIUM_SANDBOX: "maybe" })).toThrow(/CHROMIUM_SANDBOX/);
  });

  it("runs Chromium as an unprivileged user, never root, and passes only the variables it is told", () => {
    expect(loadConfig({}).CHROMIUM_USER).toBe("nobody");
    expect(() => loadConfig({ CHROMIUM_USER: "root" })).toThrow(/CHROMIUM_USER/);
    expect(() => loadConfig({ CHROMIUM_USER: "x; rm -rf /" })).toThrow(/CHROMIUM_USER/);
    expect(loadConfig({ CHROMIUM_ENV: "HTTPS_PROXY, NO_PROXY" }).CHROMIUM_ENV).toEqual(["HTTPS_PROXY", "NO_PROXY"]);
  });

  it("takes a locale and time zone it can show, written as Intl writes them", () => {
    const config = loadConfig({ BROWSER_LOCALE: "fr-fr", BROWSER_TIME_ZONE: "europe/paris" });
    expect([config.BROWSER_LOCALE, config.BROWSER_TIME_ZONE]).toEqual(["fr-FR", "Europe/Paris"]);
    expect(() => loadConfig({ BROWSER_LOCALE: "en_US" })).toThrow(/BROWSER_LOCALE/);
    expect(() => loadConfig({ BROWSER_TIME_ZONE: "+01:00" })).toThrow(/BROWSER_TIME_ZONE/);
  });

  it("takes WebGL strings in pairs, and Browserbase's settings as JSON it knows", () => {
    expect(() => loadConfig({ BROWSER_WEBGL_VENDOR: "Google Inc. (Intel)" })).toThrow(/BROWSER_WEBGL_RENDERER/);
    const settings = loadConfig({ BROWSERBASE_BROWSER_SETTINGS: '{"verified":true,"os":"windows"}' });
    expect(settings.BROWSERBASE_BROWSER_SETTINGS).toEqual({ verified: true, os: "windows" });
    expect(() => loadConfig({ BROWSERBASE_BROWSER_SETTINGS: "{verified}" })).toThrow(/BROWSERBASE_BROWSER_SETTINGS/);
    expect(() => loadConfig({ BROWSERBASE_BROWSER_SETTINGS: '{"fingerprint":{}}' })).toThrow(
      /BROWSERBASE_BROWSER_SETTINGS/,
    );
  });
});
