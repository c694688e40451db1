import { z } from "zod";
import { withDeadline } from "../../core/deadline.ts";
import { type BrowserAdapter, BrowserAdapterError, type OpenSessionRequest } from "../browser-adapter.ts";
import { createScrubber } from "../secret-scrubber.ts";
import { type BrowserbaseApi, createBrowserbaseApi, type SessionCreateParams } from "./browserbase-api.ts";
import {
  adapterClosed,
  BROWSERBASE_ERROR_CODES,
  cancelled,
  type OpenPhase,
  toBrowserbaseError,
} from "./browserbase-errors.ts";
import { BrowserbaseSession } from "./browserbase-session.ts";
import { embeddableView } from "./live-view.ts";
import { type AdapterLog, connectStagehand } from "./stagehand-connection.ts";

export interface BrowserbaseOptions {
  apiKey: string;
  projectId: string;
  /** us-west-2, us-east-1, eu-central-1 or ap-southeast-1; Browserbase's default when absent. */
  region?: string;
  /** Keep the remote session running if the connection drops (until released or timed out). */
  keepAlive?: boolean;
  /** Browserbase's residential proxies. */
  proxies?: boolean;
  /** A Browserbase context: the browser profile persists across sessions (cookies of earlier logins). */
  contextId?: string;
  /**
   * Browserbase's own browser settings for every session (its fingerprinting and stealth options,
   * captcha solving, recording...), passed through as given (docs/browserbase.md). The context and a
   * recorded device's viewport are added to them.
   */
  browserSettings?: Omit<NonNullable<SessionCreateParams["browserSettings"]>, "context">;
  /** How often tabs and URLs are polled; Stagehand pages have no navigation events. Default 100 ms. */
  pollIntervalMs?: number;
  /** How often an idle connection is kept alive; Browserbase drops it after 10 idle minutes. Default 60 s. */
  heartbeatIntervalMs?: number;
  /** Creating the session and connecting to its browser, together. Default 30 s. */
  sessionCreateTimeoutMs?: number;
  /** Loading the login page. Default 30 s. */
  navigationTimeoutMs?: number;
  /** Where Stagehand's error lines go (API key scrubbed); dropped when absent. */
  log?: AdapterLog;
}

const optionsSchema = z.object({
  apiKey: z.string().min(1, "BROWSERBASE_API_KEY is empty"),
  projectId: z.string().min(1, "BROWSERBASE_PROJECT_ID is empty"),
  region: z.string().min(1).optional(),
  keepAlive: z.boolean().optional(),
  proxies: z.boolean().optional(),
  contextId: z.string().min(1).optional(),
  browserSettings: z.record(z.string(), z.unknown()).optional(),
  pollIntervalMs: z.number().int().min(10).default(100),
  heartbeatIntervalMs: z.number().int().min(1_000).default(60_000),
  sessionCreateTimeoutMs: z.number().int().positive().default(30_000),
  navigationTimeoutMs: z.number().int().positive().default(30_000),
});

/** How long an abandoned create request may still answer (and have its session released). */
const LATE_CREATE_LIMIT_MS = 60_000;
/** How long shutting down waits for abandoned create requests to answer. */
const LATE_CREATE_SHUTDOWN_WAIT_MS = 5_000;

/** Browserbase accepts session timeouts from one minute to six hours. */
const MIN_SESSION_SECONDS = 60;
const MAX_SESSION_SECONDS = 21_600;

/**
 * Runs each login in its own Browserbase browser, driven through Stagehand. The adapter creates
 * the Browserbase session itself and has Stagehand attach to it: that way the session id is known
 * from the first moment, and whatever fails afterwards (connecting, loading the page, a shutdown
 * in between) still releases it.
 */
export function createBrowserbaseAdapter(options: BrowserbaseOptions): BrowserAdapter {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new BrowserAdapterError(
      BROWSERBASE_ERROR_CODES.misconfigured,
      `Browserbase adapter options are invalid (${problems})`,
    );
  }
  const settings = parsed.data;
  const scrub = createScrubber([options.apiKey]);
  const sessions = new Set<BrowserbaseSession>();
  const opening = new Set<{ abort: AbortController; done: Promise<unknown> }>();
  const lateCreations = createBackgroundTasks();
  let loadingApi: Promise<BrowserbaseApi> | undefined;
  let closed = false;

  const getApi = () => {
    loadingApi ??= createBrowserbaseApi({ apiKey: settings.apiKey, projectId: settings.projectId }).catch((error) => {
      loadingApi = undefined;
      throw error;
    });
    return loadingApi;
  };

  function createParams(request: OpenSessionRequest): SessionCreateParams {
    const seconds = Math.min(MAX_SESSION_SECONDS, Math.max(MIN_SESSION_SECONDS, Math.ceil(request.timeoutMs / 1000)));
    const browserSettings: NonNullable<SessionCreateParams["browserSettings"]> = {
      ...options.browserSettings,
      // A check of a credential shows the site the page size it saw at login; the rest of the device
      // is Browserbase's own fingerprint (docs/browserbase.md).
      ...(request.device?.viewport ? { viewport: request.device.viewport } : {}),
      ...(settings.contextId ? { context: { id: settings.contextId, persist: true } } : {}),
    };
    return {
      projectId: settings.projectId,
      api_timeout: seconds,
      ...(settings.keepAlive !== undefined ? { keepAlive: settings.keepAlive } : {}),
      ...(settings.region ? { region: settings.region as SessionCreateParams["region"] } : {}),
      ...(settings.proxies !== undefined ? { proxies: settings.proxies } : {}),
      ...(Object.keys(browserSettings).length > 0 ? { browserSettings } : {}),
      // Found again from the dashboard or a sessions.list query when something needs cleaning up by hand.
      userMetadata: { loginSessionId: request.sessionId },
    };
  }

  async function open(request: OpenSessionRequest, abort: AbortController): Promise<BrowserbaseSession> {
    const deadline = Date.now() + settings.sessionCreateTimeoutMs;
    const timeoutMs = settings.sessionCreateTimeoutMs;
    let phase: OpenPhase = "create";
    let browserbaseSessionId: string | undefined;
    let session: BrowserbaseSession | undefined;
    let api: BrowserbaseApi | undefined;
    try {
      api = await getApi();
      const bb = api;
      const params = createParams(request);
      // The create request is never aborted: the session may exist by the time we would cut it off,
      // and only its answer says which one to release. Past the deadline it is left to finish and
      // whatever it created is released at once.
      const created = await withDeadline(bb.createSession(params, { timeoutMs: LATE_CREATE_LIMIT_MS }), {
        ms: timeoutMs,
        what: "Creating the Browserbase session",
        signal: abort.signal,
        abandon: (late) => lateCreations.track(late.then((c) => bb.release(c.id))),
      });
      browserbaseSessionId = created.id;

      phase = "connect";
      const stagehand = await connectStagehand({
        apiKey: settings.apiKey,
        projectId: settings.projectId,
        browserbaseSessionId,
        keepAlive: settings.keepAlive,
        timeoutMs: deadline - Date.now(),
        signal: abort.signal,
        scrub,
        log: options.log,
      });
      const urls = await bb
        .liveUrls(browserbaseSessionId, { timeoutMs: Math.max(1_000, deadline - Date.now()) })
        .catch((error) => {
          void stagehand.close().catch(() => {});
          throw error;
        });
      session = new BrowserbaseSession({
        sessionId: request.sessionId,
        browserbaseSessionId,
        stagehand,
        api: bb,
        firstTabView: embeddableView(urls.debuggerFullscreenUrl),
        pollIntervalMs: settings.pollIntervalMs,
        heartbeatIntervalMs: settings.heartbeatIntervalMs,
        onClosed: () => sessions.delete(session!),
      });

      phase = "navigate";
      await withDeadline(session.start(request.loginUrl, settings.navigationTimeoutMs, request.seed), {
        ms: settings.navigationTimeoutMs + 1_000,
        what: "Loading the login page",
        signal: abort.signal,
        abandon: () => {},
      });
      if (closed) throw adapterClosed();
      sessions.add(session);
      return session;
    } catch (error) {
      const dropped = session?.disconnected;
      if (session) await session.close();
      else if (browserbaseSessionId && api) await api.release(browserbaseSessionId).catch(() => {});
      if (closed && !(error instanceof BrowserAdapterError)) throw adapterClosed();
      if (dropped) {
        throw new BrowserAdapterError(
          BROWSERBASE_ERROR_CODES.disconnected,
          "The connection to the Browserbase browser dropped while the login page was loading. Try again.",
        );
      }
      throw toBrowserbaseError(error, phase, scrub, {
        timeoutMs: phase === "navigate" ? settings.navigationTimeoutMs : timeoutMs,
      });
    }
  }

  return {
    kind: "browserbase",
    async warmUp() {
      // Loading the SDK and Stagehand takes a moment that the first login would otherwise wait for.
      await Promise.all([getApi(), import("@browserbasehq/stagehand")]);
    },
    async openSession(request) {
      if (closed) throw adapterClosed();
      // Given up before it began: not even a create request, which could leave a billed session behind.
      if (request.signal?.aborted) throw cancelled();
      const abort = new AbortController();
      const onCallerAbort = () => abort.abort();
      request.signal?.addEventListener("abort", onCallerAbort, { once: true });
      const done = open(request, abort);
      const entry = { abort, done };
      opening.add(entry);
      try {
        return await done;
      } finally {
        opening.delete(entry);
        request.signal?.removeEventListener("abort", onCallerAbort);
      }
    },
    openSessions: () => opening.size + sessions.size,
    async close() {
      closed = true;
      for (const { abort } of opening) abort.abort();
      await Promise.allSettled([...opening].map((o) => o.done));
      await Promise.allSettled([...sessions].map((s) => s.close()));
      await lateCreations.settle(LATE_CREATE_SHUTDOWN_WAIT_MS);
    },
  };
}

/** Clean-up work nobody awaits, which a shutdown still gives a moment to finish. */
function createBackgroundTasks() {
  const pending = new Set<Promise<unknown>>();
  return {
    track(task: Promise<unknown>) {
      const quiet = task.catch(() => {}).finally(() => pending.delete(quiet));
      pending.add(quiet);
    },
    async settle(maxWaitMs: number) {
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, maxWaitMs)));
      await Promise.race([Promise.allSettled([...pending]), gaveUp]);
      clearTimeout(timer);
    },
  };
}
