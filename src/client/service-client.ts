import type { CapturedState } from "../credentials/captured-state.js";
import type { ApiKeyFields } from "../credentials/credential-secret.js";
import type { CredentialView } from "../credentials/credential-view.js";
import type { providerView } from "../providers/provider-view.js";
import type { sessionView } from "../sessions/session-view.js";

/**
 * The calls the agent contract makes, over fetch, typed from the server's own view types. A minimal
 * stand-in for the client generated from /openapi.json (src/client/api-client.ts once it lands):
 * every method is one request, so switching transport changes this file only.
 */
export type ProviderView = ReturnType<typeof providerView>;
export type SessionView = ReturnType<typeof sessionView>;
export type { CredentialView };

/** `GET /credentials/:id/access-token` (OAuth2 credentials): a valid access token, refreshed when due. */
export interface AccessToken {
  accessToken: string;
  tokenType: string;
  expiresAt: string | null;
  scopes: string[];
}

/** An error answer of the service: `{ error: { code, message } }` with its HTTP status. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

export interface ServiceClientOptions {
  /** The service's address, e.g. `https://login.example.com`. */
  baseUrl: string;
  /** One of the service's API_KEYS: keep it on your server, never in a browser. */
  apiKey: string;
  /** Whom the calls act for: your app's id for its user (and optionally their organisation). */
  subject: { userId: string; orgId?: string };
  fetch?: typeof fetch;
}

export interface ServiceClient {
  providers(): Promise<ProviderView[]>;
  credentials(): Promise<CredentialView[]>;
  storageState(credentialId: string): Promise<{ credentialId: string; providerId: string; storageState: CapturedState }>;
  accessToken(credentialId: string): Promise<AccessToken>;
  apiKeyFields(credentialId: string): Promise<{ credentialId: string; providerId: string; version: number; fields: ApiKeyFields }>;
  /** Starts a browser login; `waitMs` holds the answer until the login page is up (liveViewUrl set). */
  startBrowserLogin(body: { providerId: string; loginUrl?: string; metadata?: Record<string, string | number | boolean | null> }, waitMs?: number): Promise<SessionView>;
  browserLogin(sessionId: string): Promise<SessionView>;
  /** Starts an OAuth2 connection: open `authorizationUrl` in a popup. */
  startOAuth2(body: { providerId: string; returnOrigin?: string; metadata?: Record<string, string | number | boolean | null> }): Promise<{ authorizationUrl: string; expiresAt: string }>;
  /** Stores API-key fields (validated by the provider first when it declares a validation request). */
  submitApiKey(body: { providerId: string; fields: Record<string, string>; metadata?: Record<string, string | number | boolean | null> }): Promise<CredentialView>;
}

export function createServiceClient({ baseUrl, apiKey, subject, fetch: fetchImpl = fetch }: ServiceClientOptions): ServiceClient {
  const headers: Record<string, string> = {
    authorization: `Bearer ${apiKey}`,
    "x-subject-user-id": subject.userId,
    ...(subject.orgId ? { "x-subject-org-id": subject.orgId } : {}),
  };

  async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const response = await fetchImpl(new URL(path, baseUrl), {
      method,
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = (await response.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
    if (!response.ok) throw new ServiceError(response.status, parsed?.error?.code ?? "http_error", parsed?.error?.message ?? `${method} ${path} answered ${response.status}`);
    return parsed as T;
  }
  const id = (value: string) => encodeURIComponent(value);

  return {
    providers: async () => (await call<{ providers: ProviderView[] }>("GET", "/providers")).providers,
    credentials: async () => (await call<{ credentials: CredentialView[] }>("GET", "/credentials")).credentials,
    storageState: (credentialId) => call("GET", `/credentials/${id(credentialId)}/storage-state`),
    accessToken: (credentialId) => call("GET", `/credentials/${id(credentialId)}/access-token`),
    apiKeyFields: (credentialId) => call("GET", `/credentials/${id(credentialId)}/secret`),
    startBrowserLogin: (body, waitMs) => call("POST", `/browser-login/start${waitMs === undefined ? "" : `?wait=${Math.round(waitMs)}`}`, body),
    browserLogin: (sessionId) => call("GET", `/browser-login/${id(sessionId)}`),
    startOAuth2: (body) => call("POST", "/oauth2/start", body),
    submitApiKey: (body) => call("POST", "/credentials", body),
  };
}
