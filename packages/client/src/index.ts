/**
 * @browser-login-capture/client: what an app or agent needs to use browser-login-capture from its own
 * server. The typed API client (every route, generated from the service's /openapi.json), the agent
 * contract (`requireCredential`, `createAuthenticatedTool`) and its service client. `restoreSession`
 * is in `@browser-login-capture/client/playwright`; tools for agent frameworks in `/ai` and `/mastra`.
 */
export {
  type ApiClient,
  type ApiClientOptions,
  type ApiSchemas,
  type components,
  createApiClient,
  type paths,
} from "./api-client.ts";
export {
  type AuthenticatedTool,
  type AuthenticatedToolOptions,
  CredentialRejected,
  createAuthenticatedTool,
  type WhenConnectedOptions,
} from "./authenticated-tool.ts";
export {
  type AuthMethod,
  type AuthRequired,
  type AuthRequiredReason,
  authRequired,
  isAuthRequired,
  requireCredential,
  type UsableCredential,
} from "./require-credential.ts";
export {
  type AccessToken,
  type ApiKeyFields,
  type CredentialView,
  createServiceClient,
  type Device,
  type ProviderView,
  type ServiceClient,
  type ServiceClientOptions,
  ServiceError,
  type SessionView,
  type StorageState,
} from "./service-client.ts";
