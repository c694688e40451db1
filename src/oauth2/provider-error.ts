import * as oidc from "openid-client";

/**
 * What an error from a token or revocation request means for us: `invalid_grant` (the user must
 * connect again), `transient` (5xx, 429, network, timeout: worth retrying, the stored tokens stay),
 * or `refused` (any other answer: a client or request the provider will not take).
 */
export type ProviderErrorClass = { kind: "invalid_grant" } | { kind: "transient" } | { kind: "refused"; code: string };

export function classifyProviderError(error: unknown): ProviderErrorClass {
  if (error instanceof oidc.ResponseBodyError) {
    if (error.error === "invalid_grant") return { kind: "invalid_grant" };
    return error.status >= 500 || error.status === 429 ? { kind: "transient" } : { kind: "refused", code: error.error };
  }
  if (error instanceof oidc.WWWAuthenticateChallengeError) return { kind: "refused", code: "invalid_client" };
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof Response)
    return cause.status >= 500 || cause.status === 429
      ? { kind: "transient" }
      : { kind: "refused", code: `http_${cause.status}` };
  const name = (error as Error)?.name;
  // fetch's network failures are TypeErrors; openid-client's timeouts abort the request.
  if (name === "TypeError" || name === "AbortError" || name === "TimeoutError") return { kind: "transient" };
  return { kind: "refused", code: "unexpected_response" };
}

/** Runs a provider request again on transient failures, waiting `baseMs`, then twice as long each time. */
export async function withProviderRetries<T>(
  request: () => Promise<T>,
  { attempts, baseMs }: { attempts: number; baseMs: number },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= attempts || classifyProviderError(error).kind !== "transient") throw error;
      await new Promise((resolve) => setTimeout(resolve, baseMs * 2 ** (attempt - 1)));
    }
  }
}
