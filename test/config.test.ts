import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";

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
    expect(() => loadConfig({ CREDENTIAL_STORE: "postgres" })).toThrow(/required when CREDENTIAL_STORE=postgres\n.*at DATABASE_URL/);
    expect(() => loadConfig({ CREDENTIAL_STORE: "postgres", DATABASE_URL: "mysql://db/x" })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ CREDENTIAL_STORE: "mongo" })).toThrow(/CREDENTIAL_STORE/);
    expect(loadConfig({ CREDENTIAL_STORE: "postgres", DATABASE_URL: "postgres://blc:pw@db:5432/blc" })).toMatchObject({ CREDENTIAL_STORE: "postgres", DATABASE_POOL_SIZE: 5 });
  });

  it("does not echo a DATABASE_URL it refuses (it may hold a password)", () => {
    expect(() => loadConfig({ CREDENTIAL_STORE: "postgres", DATABASE_URL: "mysql://u:hunter2@db/x" })).toThrow(/^(?![\s\S]*hunter2)/);
  });
});

describe("configuration: metrics and the queue dashboard", () => {
  it("has no metrics token or worker listener unless told, and the dashboard off in production only", () => {
    const defaults = loadConfig({});
    expect([defaults.METRICS_TOKEN, defaults.METRICS_PORT, defaults.METRICS_HOST, defaults.QUEUE_DASHBOARD]).toEqual([undefined, undefined, "127.0.0.1", true]);
    const production = { NODE_ENV: "production", API_KEYS: "k".repeat(40), ENCRYPTION_KEYS: "a:b" };
    expect(loadConfig(production).QUEUE_DASHBOARD).toBe(false);
    expect(loadConfig({ ...production, QUEUE_DASHBOARD: "true" }).QUEUE_DASHBOARD).toBe(true);
    expect(loadConfig({ QUEUE_DASHBOARD: "false" }).QUEUE_DASHBOARD).toBe(false);
    expect(() => loadConfig({ QUEUE_DASHBOARD: "maybe" })).toThrow(/QUEUE_DASHBOARD/);
  });

  it("refuses a short metrics token, or one that is also an API key, without echoing it", () => {
    expect(() => loadConfig({ METRICS_TOKEN: "short-secret" })).toThrow(/METRICS_TOKEN/);
    const token = "m".repeat(40);
    expect(() => loadConfig({ METRICS_TOKEN: token, API_KEYS: `other,${token}` })).toThrow(/^(?![\s\S]*mmmmmmmm)[\s\S]*METRICS_TOKEN/);
    expect(loadConfig({ METRICS_TOKEN: token, METRICS_PORT: "9464" })).toMatchObject({ METRICS_TOKEN: token, METRICS_PORT: 9464 });
    expect(() => loadConfig({ METRICS_PORT: "70000" })).toThrow(/METRICS_PORT/);
    // Compose passes an unset variable as empty: no token.
    expect(loadConfig({ METRICS_TOKEN: "" }).METRICS_TOKEN).toBeUndefined();
  });
});
