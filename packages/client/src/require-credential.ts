import {
  type AccessToken,
  type ApiKeyFields,
  type CredentialView,
  type Device,
  type ProviderView,
  type ServiceClient,
  ServiceError,
  type StorageState,
} from "./service-client.ts";

export type AuthMethod = ProviderView["kind"];

/** A credential an agent can use now, by kind. */
type Found = { type: "credential"; providerId: string; credentialId: string; version: number };
export type UsableCredential =
  | (Found & {
      authMethod: "browser_login";
      storageState: StorageState;
      /** The device the site saw at login (restoreSession shows it again); absent for older credentials. */
      device?: Device;
    })
  | (Found & { authMethod: "oauth2" } & AccessToken)
  | (Found & { authMethod: "api_key"; fields: ApiKeyFields });

/**
 * Why the user has to connect: there is no credential yet, or the one there stopped working (logged
 * out, refresh refused, key revoked: the tool said so).
 */
export type AuthRequiredReason = "no_credential" | "expired" | "needs_reauth" | "rejected";

type Connect<M extends AuthMethod, Extra> = {
  type: "auth_required";
  providerId: string;
  providerName: string;
  authMethod: M;
  reason: AuthRequiredReason;
  /** The call that starts the connection (made from your server with your API key). */
  start: { method: "POST"; path: string; body: { providerId: string } };
} & Extra;

/**
 * What an app's UI needs to start the connection, by kind:
 * - browser_login: start a session (`start`, or `client.startBrowserLogin`), send the user to its `liveViewUrl`;
 * - oauth2: start (`client.startOAuth2`), open `authorizationUrl` in a popup, wait for its `postMessage`;
 * - api_key: ask for `fields` (labels, help, which are secret) and submit them (`client.submitApiKey`).
 */
export type AuthRequired =
  | Connect<"browser_login", { captureOn: "authenticated" | "complete" }>
  | Connect<"oauth2", { scopes: string[] }>
  | Connect<"api_key", { fields: Extract<ProviderView, { kind: "api_key" }>["fields"]; validated: boolean }>;

export function isAuthRequired(value: unknown): value is AuthRequired {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "auth_required";
}

/** What the user must do to connect `provider`. */
export function authRequired(provider: ProviderView, reason: AuthRequiredReason): AuthRequired {
  const base = { type: "auth_required" as const, providerId: provider.id, providerName: provider.name, reason };
  switch (provider.kind) {
    case "browser_login":
      return {
        ...base,
        authMethod: "browser_login",
        captureOn: provider.captureOn,
        start: { method: "POST", path: "/browser-login/start", body: { providerId: provider.id } },
      };
    case "oauth2":
      return {
        ...base,
        authMethod: "oauth2",
        scopes: provider.scopes,
        start: { method: "POST", path: "/oauth2/start", body: { providerId: provider.id } },
      };
    case "api_key":
      return {
        ...base,
        authMethod: "api_key",
        fields: provider.fields,
        validated: provider.validated,
        start: { method: "POST", path: "/credentials", body: { providerId: provider.id } },
      };
  }
}

/** The subject's working credential for the provider: the most recently updated one that is not known to be broken. */
function pick(credentials: CredentialView[], providerId: string): { usable?: CredentialView; broken?: CredentialView } {
  const mine = credentials
    .filter((c) => c.providerId === providerId)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return { usable: mine.find((c) => c.status === "active" || c.status === "inconclusive"), broken: mine[0] };
}

/**
 * A usable credential for `providerId` (a storage state, an access token, or key fields), or what
 * the user must do first (`auth_required`). Throws a ServiceError for anything else (unknown
 * provider: 404 provider_not_found; service unreachable...).
 */
export async function requireCredential(
  client: ServiceClient,
  providerId: string,
): Promise<UsableCredential | AuthRequired> {
  const [providers, credentials] = await Promise.all([client.providers(), client.credentials()]);
  const provider = providers.find((p) => p.id === providerId);
  if (!provider) throw new ServiceError(404, "provider_not_found", `No provider ${providerId}`);
  const { usable, broken } = pick(credentials, providerId);
  if (!usable)
    return authRequired(
      provider,
      broken?.status === "needs_reauth" ? "needs_reauth" : broken ? "expired" : "no_credential",
    );
  const found = { type: "credential" as const, providerId, credentialId: usable.id, version: usable.version };
  try {
    switch (usable.kind) {
      case "browser_login": {
        const { storageState, device } = await client.storageState(usable.id);
        return { ...found, authMethod: "browser_login", storageState, ...(device ? { device } : {}) };
      }
      case "oauth2":
        return { ...found, authMethod: "oauth2", ...(await client.accessToken(usable.id)) };
      case "api_key":
        return { ...found, authMethod: "api_key", fields: (await client.apiKeyFields(usable.id)).fields };
    }
  } catch (error) {
    // Deleted between the listing and the read, or the provider refused to renew the token.
    if (error instanceof ServiceError && error.status === 404 && error.code === "credential_not_found")
      return authRequired(provider, "no_credential");
    if (error instanceof ServiceError && error.code === "needs_reauth") return authRequired(provider, "needs_reauth");
    throw error;
  }
}
