import type { Browserbase } from "@browserbasehq/sdk";

export type SessionCreateParams = Browserbase.SessionCreateParams;
export type SessionLiveUrls = Browserbase.SessionLiveURLs;

/**
 * The few Browserbase control-plane calls the adapter makes itself (Stagehand makes its own:
 * it retrieves the session to attach to it and asks for its debug URL). Failures come out as
 * BrowserbaseApiFailure, whose kind says what went wrong without the caller knowing SDK classes.
 */
export interface BrowserbaseApi {
  createSession(
    params: SessionCreateParams,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<{ id: string; connectUrl: string }>;
  liveUrls(sessionId: string, options?: { timeoutMs?: number }): Promise<SessionLiveUrls>;
  /** Ends the session now (REQUEST_RELEASE); Browserbase would otherwise bill it until its timeout. */
  release(sessionId: string): Promise<void>;
}

export type ApiFailureKind = "http" | "timeout" | "network" | "aborted" | "invalid-response";

export class BrowserbaseApiFailure extends Error {
  readonly kind: ApiFailureKind;
  /** What the server or the transport said; may still hold secrets, so scrub before showing it. */
  readonly detail: string;
  readonly status?: number;
  constructor(kind: ApiFailureKind, detail: string, status?: number) {
    super(status ? `HTTP ${status}: ${detail}` : detail);
    this.kind = kind;
    this.detail = detail;
    if (status !== undefined) this.status = status;
    this.name = "BrowserbaseApiFailure";
  }
}

const RELEASE_TIMEOUT_MS = 10_000;

export async function createBrowserbaseApi(options: { apiKey: string; projectId: string }): Promise<BrowserbaseApi> {
  const sdk = await import("@browserbasehq/sdk");
  const BrowserbaseClient = sdk.default;
  // baseURL is left to the SDK, which reads BROWSERBASE_BASE_URL like the client Stagehand builds,
  // so that both always talk to the same control plane.
  const client: Browserbase = new BrowserbaseClient({ apiKey: options.apiKey, maxRetries: 0 });

  function failure(error: unknown): BrowserbaseApiFailure {
    if (error instanceof BrowserbaseApiFailure) return error;
    if (error instanceof sdk.APIUserAbortError) return new BrowserbaseApiFailure("aborted", "Request was aborted");
    if (error instanceof sdk.APIConnectionTimeoutError)
      return new BrowserbaseApiFailure("timeout", "Request timed out");
    if (error instanceof sdk.APIConnectionError) {
      const cause = (error as { cause?: { message?: string; code?: string; cause?: { code?: string } } }).cause;
      const code = cause?.code ?? cause?.cause?.code;
      return new BrowserbaseApiFailure("network", [error.message, code].filter(Boolean).join(" "));
    }
    if (error instanceof sdk.APIError && typeof error.status === "number") {
      const body = error.error as { message?: unknown } | undefined;
      const detail = typeof body?.message === "string" ? body.message : error.message;
      return new BrowserbaseApiFailure("http", detail, error.status);
    }
    return new BrowserbaseApiFailure("network", (error as Error)?.message ?? String(error));
  }

  return {
    async createSession(params, { timeoutMs, signal }) {
      try {
        // No retry: a create that timed out may have succeeded, and a second one would be a second bill.
        const created = await client.sessions.create(params, {
          timeout: Math.max(1, Math.round(timeoutMs)),
          maxRetries: 0,
          signal,
        });
        if (!created?.id || !created.connectUrl)
          throw new BrowserbaseApiFailure("invalid-response", "Session creation answered without id or connectUrl");
        return { id: created.id, connectUrl: created.connectUrl };
      } catch (error) {
        throw failure(error);
      }
    },
    async liveUrls(sessionId, { timeoutMs = 10_000 } = {}) {
      try {
        return await client.sessions.debug(sessionId, { timeout: timeoutMs, maxRetries: 1 });
      } catch (error) {
        throw failure(error);
      }
    },
    async release(sessionId) {
      try {
        // Idempotent on Browserbase's side, so retrying transient failures is safe.
        await client.sessions.update(
          sessionId,
          { projectId: options.projectId, status: "REQUEST_RELEASE" },
          { timeout: RELEASE_TIMEOUT_MS, maxRetries: 2 },
        );
      } catch (error) {
        throw failure(error);
      }
    },
  };
}
