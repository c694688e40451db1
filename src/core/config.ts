import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { availableParallelism, hostname } from "node:os";
import { createSecureContext } from "node:tls";
import { z } from "zod";
import { canonicalLocale, canonicalTimeZone } from "./locale.ts";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");
/** A PEM file, read once at start-up: a path that cannot be read, or holds no PEM, stops the process. Empty: unset (Compose's `${X:-}`). */
const pemFile = z.string().transform((path, ctx) => {
  if (path === "") return undefined;
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    ctx.addIssue({
      code: "custom",
      message: `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    });
    return z.NEVER;
  }
  if (!pem.includes("-----BEGIN ")) {
    ctx.addIssue({ code: "custom", message: `${path} is not a PEM file` });
    return z.NEVER;
  }
  return { path, pem };
});
const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

/** Schemes that run code or read local data where they open: never a place to send a person back to. */
export const UNSAFE_RETURN_SCHEMES = ["javascript", "vbscript", "data", "blob", "file", "filesystem", "about"];

/** An http(s) origin exactly as browsers send it in `Origin`: scheme://host[:port], nothing more. */
function isOrigin(text: string): boolean {
  const parsed = URL.canParse(text) ? new URL(text) : undefined;
  // `*` parses as a host character, but no browser sends it: a wildcard here would match nothing, silently.
  return !!parsed && /^https?:$/.test(parsed.protocol) && parsed.origin === text && !text.includes("*");
}

/**
 * Every setting, read from the environment once, at start-up. Anything wrong stops the process
 * with a message that names the variable.
 */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** "pretty": one human line per entry (the development default); "json": one JSON object per line (elsewhere). */
    LOG_FORMAT: z.enum(["pretty", "json"]).optional(),
    DATA_DIR: z.string().default(".data"),

    REDIS_URL: z.string().url().optional(),
    REDIS_PREFIX: z
      .string()
      .regex(/^[a-z0-9_-]+$/)
      .default("blc"),
    /** Where credentials live; sessions and the queue stay on Redis either way. */
    CREDENTIAL_STORE: z.enum(["redis", "postgres"]).default("redis"),
    /** postgres://user:password@host:5432/database, required when CREDENTIAL_STORE=postgres. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "a postgres:// or postgresql:// URL")
      .optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),

    HOST: z.string().default("127.0.0.1"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    API_KEYS: list.optional(),
    SUBJECT_USER_HEADER: z.string().default("x-subject-user-id"),
    SUBJECT_ORG_HEADER: z.string().default("x-subject-org-id"),
    /** `admin` or `member` (the default): organisation-level settings take `admin`. */
    SUBJECT_ORG_ROLE_HEADER: z.string().default("x-subject-org-role"),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(256).max(1_048_576).default(16_384),
    /** A browser state checked in (POST /credentials/:id/check-in): cookies and several origins' storage. */
    CHECK_IN_BODY_LIMIT_BYTES: z.coerce.number().int().min(16_384).max(16_777_216).default(1_048_576),

    PROVIDERS_FILE: z.string().default("providers.json"),
    CLIENT_LOGIN_URLS: bool.default(false),
    CLIENT_LOGIN_URL_HOSTS: list.default([]),
    ALLOW_PRIVATE_LOGIN_URLS: bool.default(false),
    /** `host:port` entries a client login URL (and its browser) may reach on private addresses anyway. */
    ALLOW_PRIVATE_LOGIN_URL_HOSTS: list.default([]),

    ENCRYPTION_KEYS: z.string().optional(),
    ENCRYPTION_KEY: z.string().optional(),

    SESSION_TIMEOUT_MS: z.coerce.number().int().min(10_000).max(3_600_000).default(600_000),
    /** The decrypt audit trail per credential: at most this many entries, kept this long after the last one. */
    CREDENTIAL_AUDIT_MAX_ENTRIES: z.coerce.number().int().min(10).max(1_000_000).default(1_000),
    CREDENTIAL_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(365),
    SESSION_RETENTION_SECONDS: z.coerce.number().int().min(60).default(86_400),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(10),
    /**
     * Unfinished login sessions (queued and running, re-logins and the connect page's included) one
     * subject may hold at once; more answer 429 too_many_sessions. Below a deployment's slots
     * (workers × WORKER_CONCURRENCY), so that one subject never holds them all (docs/fairness.md).
     */
    MAX_SESSIONS_PER_SUBJECT: z.coerce.number().int().min(1).max(1_000).default(3),
    /** The same for sessions started through one connect link (the person holding it cannot use the app's whole share). */
    MAX_SESSIONS_PER_CONNECT_LINK: z.coerce.number().int().min(1).max(1_000).default(2),
    /** Credential checks at once per worker (each holds a browser context for a few seconds). */
    CREDENTIAL_CHECK_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(2),
    /** How long the default check (a provider without verify) waits for the logged-in condition before it says inconclusive. */
    DEFAULT_CHECK_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(15_000),
    /** A held session whose lease is not renewed for this long ends as worker_lost (below 3 s: tests only). */
    WORKER_LEASE_MS: z.coerce.number().int().min(1_000).max(120_000).default(15_000),
    /** How often the API and each worker end sessions that are overdue or whose worker vanished. */
    REAP_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    /** How long the event log keeps events: SSE clients resume within it, webhook replays reach back this far. */
    EVENT_RETENTION_SECONDS: z.coerce.number().int().min(60).default(86_400),
    /** At most about this many events per stream (the stream of all, each subject's, each session's); 0: no count limit. */
    EVENT_STREAM_MAX_LENGTH: z.coerce.number().int().min(0).default(1_000_000),
    SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
    /** Webhook endpoints the operator keeps in a file (JSON), loaded at start-up; more through the API. */
    WEBHOOKS_FILE: z.string().optional(),
    /** Exponential backoff between delivery attempts: this, then twice as long each time, within WEBHOOK_RETRY_FOR_MS. */
    WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
    WEBHOOK_RETRY_FOR_MS: z.coerce.number().int().min(1_000).default(86_400_000),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** Deliveries kept in each endpoint's log. */
    WEBHOOK_DELIVERY_LOG_SIZE: z.coerce.number().int().min(1).max(10_000).default(100),
    /** Webhook URLs follow the login URL address policy: never private or loopback, but for these `host:port` entries. */
    WEBHOOK_PRIVATE_ALLOWED_FOR: list.default([]),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),

    BROWSER_ADAPTER: z.enum(["local", "browserbase"]).default("local"),
    /** "auto": headed when a display is available (development), headless otherwise. */
    HEADLESS: z.enum(["auto", "true", "false"]).default("auto"),
    CHROMIUM_PATH: z.string().optional(),
    /**
     * Chromium's sandbox: "required" starts only with it, "auto" runs without it after a warning when
     * the kernel or container refuses it, "off" never asks. Default required in production, auto elsewhere.
     */
    CHROMIUM_SANDBOX: z.enum(["required", "auto", "off"]).optional(),
    /** A worker running as root starts Chromium as this unprivileged user (Chromium refuses its sandbox as root). */
    CHROMIUM_USER: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]*\$?$/i, "a user name")
      .refine((u) => u !== "root", "not root: Chromium's sandbox needs an unprivileged user")
      .default("nobody"),
    /** Names of worker variables Chromium may see besides its allow-list (e.g. HTTPS_PROXY,NO_PROXY); never secrets. */
    CHROMIUM_ENV: list.default([]),
    /**
     * The device sites see when neither the person (the start call, the connect page) nor the provider
     * says: a locale (BCP 47, e.g. en-US) and time zone (IANA, e.g. Europe/Paris); unset: the machine's.
     */
    BROWSER_LOCALE: z
      .string()
      .refine((v) => canonicalLocale(v) !== undefined, "a BCP 47 language tag, e.g. en-US")
      .transform((v) => canonicalLocale(v)!)
      .optional(),
    BROWSER_TIME_ZONE: z
      .string()
      .refine((v) => canonicalTimeZone(v) !== undefined, "an IANA time zone, e.g. Europe/Paris")
      .transform((v) => canonicalTimeZone(v)!)
      .optional(),
    /** WebGL strings pages read instead of SwiftShader's (both or neither; detectable: docs/real-sites.md). */
    BROWSER_WEBGL_VENDOR: z.string().min(1).max(256).optional(),
    BROWSER_WEBGL_RENDERER: z.string().min(1).max(256).optional(),
    BROWSER_DEBUG_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    SPARE_CONTEXTS: z.coerce.number().int().min(0).max(10).default(1),

    BROWSERBASE_API_KEY: z.string().optional(),
    BROWSERBASE_PROJECT_ID: z.string().optional(),
    BROWSERBASE_REGION: z.string().optional(),
    BROWSERBASE_KEEP_ALIVE: bool.default(false),
    BROWSERBASE_PROXIES: bool.default(false),
    BROWSERBASE_CONTEXT_ID: z.string().optional(),
    /** Creating a Browserbase session and connecting to it, together. */
    BROWSERBASE_CREATE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(30_000),
    BROWSERBASE_POLL_INTERVAL_MS: z.coerce.number().int().min(20).max(5_000).default(100),
    /**
     * Browserbase's own browser settings for every session, as JSON (docs/browserbase.md): its
     * fingerprinting and stealth options (`verified`, `os`), `solveCaptchas`, `blockAds`,
     * `recordSession`, `logSession`, `viewport`.
     */
    BROWSERBASE_BROWSER_SETTINGS: z
      .string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: "custom", message: "not JSON" });
          return z.NEVER;
        }
      })
      .pipe(
        z
          .object({
            verified: z.boolean(),
            advancedStealth: z.boolean(),
            os: z.enum(["windows", "mac", "linux", "mobile", "tablet"]),
            solveCaptchas: z.boolean(),
            blockAds: z.boolean(),
            recordSession: z.boolean(),
            logSession: z.boolean(),
            viewport: z.object({ width: z.number().int().min(320), height: z.number().int().min(240) }).strict(),
          })
          .partial()
          .strict(),
      )
      .optional(),
    /** Loading the login page. */
    NAVIGATION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(30_000),

    /** Where users reach the API (links handed out); default the API's own address. */
    PUBLIC_URL: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL")
      .optional(),
    /** The self-hosted live view of local browsers (src/live-view/). */
    LIVE_VIEW: bool.default(true),
    /** Where a worker serves live-view sockets to the API (never to users); port 0: any free port. */
    LIVE_VIEW_HOST: z.string().default("127.0.0.1"),
    LIVE_VIEW_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    /** The host the API dials to reach this worker; default LIVE_VIEW_HOST, or this machine's host name when that is 0.0.0.0. */
    LIVE_VIEW_ADVERTISE_HOST: z.string().optional(),
    /** Worker: both set, its live-view port speaks TLS (wss://) with this certificate, which must name the advertised host. */
    LIVE_VIEW_TLS_CERT: pemFile.optional(),
    LIVE_VIEW_TLS_KEY: pemFile.optional(),
    /** API: the CA (or self-signed certificate) that workers' live-view certificates are checked against; default the system's. */
    LIVE_VIEW_TLS_CA: pemFile.optional(),
    /** API: relay only to wss:// workers, or ws:// on loopback (a plain hop elsewhere would carry keystrokes in clear). */
    LIVE_VIEW_REQUIRE_TLS: bool.default(false),
    /** Signs viewer links and the API-to-worker hop; default derived from the first ENCRYPTION_KEYS key. */
    LIVE_VIEW_SECRET: z.string().min(32, "at least 32 characters (openssl rand -base64 32)").optional(),
    /** Set: links open only with a short-lived check the app mints for its own user (src/live-view/viewer-check.ts). */
    LIVE_VIEW_VERIFIER_KEY: z.string().min(32, "at least 32 characters (openssl rand -base64 32)").optional(),
    LIVE_VIEW_MAX_VIEWERS: z.coerce.number().int().min(1).max(20).default(3),
    /** Origins allowed to embed the viewer in an iframe (CSP frame-ancestors); none by default. */
    LIVE_VIEW_FRAME_ANCESTORS: list.default([]),
    /** 75: the lowest quality keeping every text box of a login form legible (SSIM ≥ 0.95; docs/live-view.md, bench figure 11). */
    LIVE_VIEW_JPEG_QUALITY: z.coerce.number().int().min(20).max(100).default(75),
    /**
     * Device pixels per frame, in millions, that a worker's viewers share: one on a phone or a Retina
     * screen gets frames at its full ratio, many at once get ratio 1 (src/live-view/pixel-budget.ts).
     * Default 2 per CPU core: one 1000×664 view at ratio 2 is 2.7.
     */
    LIVE_VIEW_MEGAPIXELS: z.coerce
      .number()
      .min(0.1)
      .max(1_000)
      .default(() => 2 * availableParallelism()),
    /** What a person may upload through the view to a page's file chooser at once, in MB (held in memory until sent). */
    LIVE_VIEW_UPLOAD_MAX_MB: z.coerce.number().min(0.1).max(100).default(10),

    /** Origins of app pages that open the OAuth2 popup: the callback page posts its result only to these. */
    OAUTH2_RETURN_ORIGINS: list.default([]),
    /** How long an OAuth2 authorization (its state) may take from POST /oauth2/start to the callback. */
    OAUTH2_STATE_TTL_SECONDS: z.coerce.number().int().min(1).max(3_600).default(600),
    /** An access token expiring within this is refreshed before it is handed out. */
    OAUTH2_REFRESH_SKEW_SECONDS: z.coerce.number().int().min(0).max(3_600).default(60),
    /** How long a caller waits for another process's refresh of the same credential. */
    OAUTH2_REFRESH_WAIT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
    /**
     * How long a connect link minted by POST /connect/links waits to be opened (a request may ask for
     * less). Until then it is a bearer link, so minutes: 10, as Composio's (Anchor: 15).
     */
    CONNECT_LINK_TTL_SECONDS: z.coerce.number().int().min(30).max(3_600).default(600),
    /** How long the page works in the browser that opened the link, from that first open (the binding cookie is the proof then). */
    CONNECT_PAGE_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3_600),
    /** Set: a link opens for the first time only with a short-lived check the app mints for its own user (src/connect/connect-check.ts). */
    CONNECT_VERIFIER_KEY: z.string().min(32, "at least 32 characters (openssl rand -base64 32)").optional(),
    /** Schemes a link's successUrl, errorUrl and returnUrl may use: add an app's own (myapp) to hand a person back to a mobile app. */
    CONNECT_RETURN_SCHEMES: list.default(["https", "http"]),
    /**
     * Origins of app pages that embed the connect components (components.js): their calls are allowed
     * by CORS, component links are minted for one of them, the live view may be framed by them and the
     * OAuth2 callback posts its result to them. Exact origins; none by default.
     */
    CONNECT_COMPONENT_ORIGINS: list.default([]),
    /** API keys one subject may have checked with one provider per window (each check is a request from our address to the provider). */
    API_KEY_VALIDATION_ATTEMPTS: z.coerce.number().int().min(1).max(10_000).default(10),
    API_KEY_VALIDATION_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),

    /** The MCP server at /mcp on the API (Streamable HTTP, 2026-07-28; src/mcp/). */
    MCP: bool.default(true),
    /**
     * The operator's OAuth 2.1 authorization server for /mcp: its JWT access tokens (RFC 9068, audience
     * PUBLIC_URL/mcp) are accepted, and people opening a connect link sign in there. Unset: service keys only.
     */
    MCP_AUTH_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
    /** Scopes an MCP access token must carry (the protected-resource document lists them). */
    MCP_REQUIRED_SCOPES: list.default([]),
    /** The access-token claim that holds the subject's organisation (its `sub` is the user). */
    MCP_SUBJECT_ORG_CLAIM: z.string().min(1).optional(),
    /** This service's client at MCP_AUTH_ISSUER, for the connect page's sign-in (authorization code, PKCE). */
    MCP_CONNECT_CLIENT_ID: z.string().min(1).optional(),
    MCP_CONNECT_CLIENT_SECRET: z.string().min(1).optional(),
    /**
     * Service-key deployments: the app's own page that a connect URL goes through, to check that the person
     * is its signed-in user and add the connect check (CONNECT_VERIFIER_KEY) before sending them on.
     */
    MCP_CONNECT_PAGE_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** How long an MCP connect URL works, sign-in included (at most 10 minutes). */
    MCP_CONNECT_TTL_SECONDS: z.coerce.number().int().min(30).max(600).default(600),
    /** A retried tool call waits this long for the connection the person is making before asking again. */
    MCP_CONNECT_WAIT_MS: z.coerce.number().int().min(0).max(120_000).default(30_000),
    /** call_api: the provider's answer is cut at this many bytes, and given up after this long. */
    MCP_CALL_API_MAX_BYTES: z.coerce.number().int().min(1_024).max(10_485_760).default(1_048_576),
    MCP_CALL_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(30_000),
    /**
     * use_connection, which hands the credential itself to the MCP client: off by default (the MCP
     * specification forbids passing credentials obtained through URL elicitation to the client).
     */
    MCP_CREDENTIAL_HANDOVER: bool.default(false),
    /** The scope an access token needs for use_connection (service keys need none). */
    MCP_HANDOVER_SCOPE: z.string().min(1).default("credentials:handover"),

    DEMO_SITE: bool.optional(),
    DEMO_PORT: z.coerce.number().int().min(1).max(65535).default(4500),
    DEMO_SSO_PORT: z.coerce.number().int().min(1).max(65535).default(4501),
    DISPLAY: z.string().optional(),

    // The API's HTTP edge: how long a client may take to send its request (answering may take longer).
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
    /**
     * Accepted on GET /metrics (the API's and a worker's) besides the API keys, so that Prometheus
     * holds a token that reads metrics only: an API key reads every subject's credentials.
     */
    METRICS_TOKEN: z
      .union([z.literal(""), z.string().min(32, "at least 32 characters (openssl rand -hex 32)")])
      .optional()
      .transform((v) => v || undefined),
    /** A worker run on its own serves GET /metrics here (unset: no listener; the API serves its own at PORT). */
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    METRICS_HOST: z.string().default("127.0.0.1"),
    /** The BullMQ dashboard at /admin/queues (behind an API key); default on outside production. */
    QUEUE_DASHBOARD: bool.optional(),
    /** npm start's own redis-server, when REDIS_URL is not set. */
    EMBEDDED_REDIS_PORT: z.coerce.number().int().min(1).max(65535).default(6380),
  })
  .superRefine((c, ctx) => {
    if (c.HTTP_REQUEST_TIMEOUT_MS < c.HTTP_HEADERS_TIMEOUT_MS) {
      ctx.addIssue({
        code: "custom",
        path: ["HTTP_REQUEST_TIMEOUT_MS"],
        message: "must be at least HTTP_HEADERS_TIMEOUT_MS (the whole request includes its headers)",
      });
    }
    if (c.BROWSER_ADAPTER === "browserbase") {
      for (const name of ["BROWSERBASE_API_KEY", "BROWSERBASE_PROJECT_ID"] as const) {
        if (!c[name])
          ctx.addIssue({ code: "custom", path: [name], message: "required when BROWSER_ADAPTER=browserbase" });
      }
    }
    if (!c.BROWSER_WEBGL_VENDOR !== !c.BROWSER_WEBGL_RENDERER) {
      ctx.addIssue({
        code: "custom",
        path: [c.BROWSER_WEBGL_VENDOR ? "BROWSER_WEBGL_RENDERER" : "BROWSER_WEBGL_VENDOR"],
        message: "BROWSER_WEBGL_VENDOR and BROWSER_WEBGL_RENDERER go together",
      });
    }
    if (c.CREDENTIAL_STORE === "postgres" && !c.DATABASE_URL) {
      ctx.addIssue({ code: "custom", path: ["DATABASE_URL"], message: "required when CREDENTIAL_STORE=postgres" });
    }
    for (const issue of liveViewTlsIssues(c)) ctx.addIssue({ code: "custom", ...issue });
    for (const origin of c.LIVE_VIEW_FRAME_ANCESTORS) {
      if (!/^(https?:\/\/[A-Za-z0-9.*-]+(:\d+)?|'self')$/.test(origin)) {
        ctx.addIssue({
          code: "custom",
          path: ["LIVE_VIEW_FRAME_ANCESTORS"],
          message: `"${origin}" is not an origin (https://app.example.com) or 'self'`,
        });
      }
    }
    for (const scheme of c.CONNECT_RETURN_SCHEMES) {
      if (!/^[a-z][a-z0-9+.-]{0,31}$/.test(scheme) || UNSAFE_RETURN_SCHEMES.includes(scheme)) {
        ctx.addIssue({
          code: "custom",
          path: ["CONNECT_RETURN_SCHEMES"],
          message: `"${scheme}" is not a scheme a page may send a person to (lower case, without ":"; never ${UNSAFE_RETURN_SCHEMES.join(", ")})`,
        });
      }
    }
    for (const origin of c.CONNECT_COMPONENT_ORIGINS) {
      if (!isOrigin(origin)) {
        ctx.addIssue({
          code: "custom",
          path: ["CONNECT_COMPONENT_ORIGINS"],
          message: `"${origin}" is not an origin (scheme://host[:port], no path, wildcard or trailing slash)`,
        });
      }
    }
    for (const origin of c.OAUTH2_RETURN_ORIGINS) {
      const parsed = URL.canParse(origin) ? new URL(origin) : undefined;
      if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
        ctx.addIssue({
          code: "custom",
          path: ["OAUTH2_RETURN_ORIGINS"],
          message: `"${origin}" is not an origin (scheme://host[:port], no path or trailing slash)`,
        });
      }
    }
    if (c.NODE_ENV !== "test" && c.OAUTH2_STATE_TTL_SECONDS < 30) {
      ctx.addIssue({
        code: "custom",
        path: ["OAUTH2_STATE_TTL_SECONDS"],
        message: "at least 30 outside tests (users need time to consent)",
      });
    }
    if (c.METRICS_TOKEN && c.API_KEYS?.includes(c.METRICS_TOKEN)) {
      ctx.addIssue({
        code: "custom",
        path: ["METRICS_TOKEN"],
        message: "must not be one of API_KEYS (it is handed to the metrics scraper)",
      });
    }
    if (c.MCP_AUTH_ISSUER && !(c.MCP_CONNECT_CLIENT_ID && c.MCP_CONNECT_CLIENT_SECRET)) {
      ctx.addIssue({
        code: "custom",
        path: ["MCP_CONNECT_CLIENT_ID"],
        message:
          "MCP_CONNECT_CLIENT_ID and MCP_CONNECT_CLIENT_SECRET are required with MCP_AUTH_ISSUER (the connect page signs people in there)",
      });
    }
    if (c.NODE_ENV !== "test" && c.WORKER_LEASE_MS < 3_000) {
      ctx.addIssue({
        code: "custom",
        path: ["WORKER_LEASE_MS"],
        message: "at least 3000 outside tests (a busy worker would lose its sessions)",
      });
    }
    if (c.NODE_ENV === "production") {
      if (!c.API_KEYS?.length) ctx.addIssue({ code: "custom", path: ["API_KEYS"], message: "required in production" });
      if (!c.ENCRYPTION_KEYS && !c.ENCRYPTION_KEY) {
        ctx.addIssue({
          code: "custom",
          path: ["ENCRYPTION_KEYS"],
          message: "required in production (a lost key loses every credential)",
        });
      }
    }
  })
  .transform((c) => ({
    ...c,
    LOG_FORMAT: c.LOG_FORMAT ?? (c.NODE_ENV === "development" ? "pretty" : "json"),
    QUEUE_DASHBOARD: c.QUEUE_DASHBOARD ?? c.NODE_ENV !== "production",
    CHROMIUM_SANDBOX: c.CHROMIUM_SANDBOX ?? (c.NODE_ENV === "production" ? "required" : "auto"),
    LIVE_VIEW_ADVERTISE_HOST: advertisedHost(c),
  }));

/** In compose each worker container is reachable by its host name (Docker's DNS knows it). */
function advertisedHost(c: { LIVE_VIEW_HOST: string; LIVE_VIEW_ADVERTISE_HOST?: string }): string {
  return c.LIVE_VIEW_ADVERTISE_HOST ?? (c.LIVE_VIEW_HOST === "0.0.0.0" ? hostname() : c.LIVE_VIEW_HOST);
}

type Pem = { path: string; pem: string };

/** The worker's certificate and key go together, match, and name the host the API will dial. */
function liveViewTlsIssues(c: {
  LIVE_VIEW_TLS_CERT?: Pem;
  LIVE_VIEW_TLS_KEY?: Pem;
  LIVE_VIEW_TLS_CA?: Pem;
  LIVE_VIEW_HOST: string;
  LIVE_VIEW_ADVERTISE_HOST?: string;
}) {
  const issues: { path: string[]; message: string }[] = [];
  const { LIVE_VIEW_TLS_CERT: cert, LIVE_VIEW_TLS_KEY: key, LIVE_VIEW_TLS_CA: ca } = c;
  if (cert && !key)
    issues.push({
      path: ["LIVE_VIEW_TLS_KEY"],
      message: "required with LIVE_VIEW_TLS_CERT (the certificate's private key, PEM)",
    });
  if (key && !cert)
    issues.push({
      path: ["LIVE_VIEW_TLS_CERT"],
      message: "required with LIVE_VIEW_TLS_KEY (the worker's certificate, PEM)",
    });
  if (ca) {
    try {
      new X509Certificate(ca.pem);
    } catch {
      issues.push({ path: ["LIVE_VIEW_TLS_CA"], message: `${ca.path} holds no certificate` });
    }
  }
  if (!cert || !key) return issues;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert.pem);
    createSecureContext({ cert: cert.pem, key: key.pem });
  } catch (error) {
    // OpenSSL's reason ("key values mismatch", "bad end line"...), which quotes nothing of the key.
    issues.push({
      path: ["LIVE_VIEW_TLS_CERT"],
      message: `${cert.path} and ${key.path} are not a certificate and its key (${(error as Error).message})`,
    });
    return issues;
  }
  const host = advertisedHost(c).replace(/^\[|\]$/g, "");
  const named = isIP(host) ? certificate.checkIP(host) : certificate.checkHost(host);
  if (!named) {
    issues.push({
      path: ["LIVE_VIEW_TLS_CERT"],
      message: `${cert.path} does not name ${host}, the host the API dials (LIVE_VIEW_ADVERTISE_HOST); it names ${certificate.subjectAltName ?? certificate.subject}`,
    });
  }
  return issues;
}

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * The stdio MCP server's own settings (`npm run mcp`, src/bin/mcp.ts): a desktop agent starts it with
 * these in its environment. It runs no part of the service; it reaches the service's /mcp with a
 * service key and acts for one subject.
 */
export const mcpStdioConfigSchema = z.object({
  /** The service's address (PUBLIC_URL of the API). */
  MCP_SERVICE_URL: z.url({ protocol: /^https?$/ }),
  /** One of the service's API_KEYS. */
  MCP_SERVICE_KEY: z.string().min(1),
  /** The user this process acts for (and, optionally, their organisation). */
  MCP_SUBJECT_USER_ID: z.string().min(1).max(200),
  MCP_SUBJECT_ORG_ID: z.string().min(1).max(200).optional(),
  SUBJECT_USER_HEADER: z.string().default("x-subject-user-id"),
  SUBJECT_ORG_HEADER: z.string().default("x-subject-org-id"),
});
export type McpStdioConfig = z.infer<typeof mcpStdioConfigSchema>;

export function loadMcpStdioConfig(env: NodeJS.ProcessEnv = process.env): McpStdioConfig {
  const parsed = mcpStdioConfigSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
