import { type ApiClientOptions, type ApiSchemas, createApiClient } from "./api-client.ts";

/**
 * The calls the agent contract makes, over the client generated from /openapi.json (api-client.ts):
 * bodies and answers typed by the API's own document. Errors become a thrown ServiceError.
 */
export type ProviderView = ApiSchemas["Provider"];
export type CredentialView = ApiSchemas["Credential"];
export type SessionView = ApiSchemas["LoginSession"];
type ClientMetadata = NonNullable<ApiSchemas["StartLogin"]["metadata"]>;

/** `GET /credentials/:id/access-token` (OAuth2 credentials): a valid access token, refreshed when due. */
export type AccessToken = ApiSchemas["OAuth2AccessToken"];
/** A browser login's captured state: Playwright's `storageState` shape plus sessionStorage (restore it with `restoreSession`). */
export type StorageState = ApiSchemas["StorageState"];
/** The device a site saw at login (GET /credentials/:id and the storage-state answer's `device`): restoreSession shows it again. */
export type Device = NonNullable<ApiSchemas["CredentialStorageState"]["device"]>;
/** An API-key credential's values by field name. */
export type ApiKeyFields = ApiSchemas["ApiKeySecret"]["fields"];

/** An error answer of the service: `{ error: { code, message } }` with its HTTP status. */
export class ServiceError extends Error {
  readonly status: number;
  readonly code: string;
  /** The error's `details`, when it has some (a stale check-in's `{ currentVersion }`). */
  readonly details?: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.name = "ServiceError";
    if (details !== undefined) this.details = details;
  }
}

export type ServiceClientOptions = ApiClientOptions & { subject: NonNullable<ApiClientOptions["subject"]> };

export interface ServiceClient {
  providers(): Promise<ProviderView[]>;
  credentials(): Promise<CredentialView[]>;
  storageState(credentialId: string): Promise<ApiSchemas["CredentialStorageState"]>;
  /**
   * Gives a browser login's state back after use, with the version it was restored from (a
   * ServiceError 409 `stale_version` when a newer one is stored: `details.currentVersion`).
   */
  checkIn(credentialId: string, body: ApiSchemas["CheckIn"]): Promise<ApiSchemas["CheckedIn"]>;
  accessToken(credentialId: string): Promise<AccessToken>;
  apiKeyFields(credentialId: string): Promise<ApiSchemas["ApiKeySecret"]>;
  /** Starts a browser login; `waitMs` holds the answer until the login page is up (liveViewUrl set). */
  startBrowserLogin(body: ApiSchemas["StartLogin"], waitMs?: number): Promise<SessionView>;
  browserLogin(sessionId: string): Promise<SessionView>;
  /** Starts an OAuth2 connection: open `authorizationUrl` in a popup. */
  startOAuth2(body: {
    providerId: string;
    returnOrigin?: string;
    metadata?: ClientMetadata;
  }): Promise<ApiSchemas["OAuth2Start"]>;
  /** Stores API-key fields (validated by the provider first when it declares a validation request). */
  submitApiKey(body: {
    providerId: string;
    fields: Record<string, string>;
    metadata?: ClientMetadata;
  }): Promise<CredentialView>;
}

/** The data of a 2xx answer, or the API's error thrown as a ServiceError. */
async function answer<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const body = (error as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  throw new ServiceError(
    response.status,
    body?.code ?? "http_error",
    body?.message ?? `${response.url} answered ${response.status}`,
    body?.details,
  );
}

export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const api = createApiClient(options);
  const path = (id: string) => ({ params: { path: { id } } });

  return {
    providers: async () => (await answer(api.GET("/providers"))).providers,
    credentials: async () => (await answer(api.GET("/credentials"))).credentials,
    storageState: (id) => answer(api.GET("/credentials/{id}/storage-state", path(id))),
    checkIn: (id, body) => answer(api.POST("/credentials/{id}/check-in", { ...path(id), body })),
    apiKeyFields: (id) => answer(api.GET("/credentials/{id}/secret", path(id))),
    accessToken: (id) => answer(api.GET("/credentials/{id}/access-token", path(id))),
    startBrowserLogin: (body, waitMs) =>
      answer(
        api.POST("/browser-login/start", {
          body,
          params: { query: waitMs === undefined ? {} : { wait: Math.round(waitMs) } },
        }),
      ),
    browserLogin: (id) => answer(api.GET("/browser-login/{id}", path(id))),
    startOAuth2: (body) => answer(api.POST("/oauth2/start", { body })),
    submitApiKey: (body) => answer(api.POST("/credentials", { body })),
  };
}
