import createClient from "openapi-fetch";
import type { components, paths } from "./api-types.ts";

export type { components, paths };
/** The API's named bodies: `ApiSchemas["LoginSession"]`, `ApiSchemas["Credential"]`, `ApiSchemas["Error"]`... */
export type ApiSchemas = components["schemas"];

export interface ApiClientOptions {
  /** Where the API answers, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  apiKey: string;
  /**
   * Whom calls act for (x-subject-user-id, x-subject-org-id), and the user's role in the organisation
   * (x-subject-org-role: `admin` to change its settings); leave out for operator calls (webhook endpoints).
   */
  subject?: { userId: string; orgId?: string; orgRole?: "admin" | "member" };
  /** Other headers sent with every call (say, a deployment that reads the subject from its own header names). */
  headers?: Record<string, string>;
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * A client typed from the API's own document (api-types.ts, written by `npm run generate:client`):
 * paths, parameters, bodies and every response, errors included, are checked by the compiler.
 *
 * ```ts
 * const api = createApiClient({ baseUrl, apiKey, subject: { userId: "user-1" } });
 * const { data, error } = await api.POST("/browser-login/start", { body: { providerId: "demo" } });
 * ```
 * Each call answers `{ data, error, response }`: `data` for a 2xx, `error` (`{ error: { code, message } }`) otherwise.
 */
export function createApiClient({ baseUrl, apiKey, subject, headers, fetch }: ApiClientOptions) {
  return createClient<paths>({
    baseUrl,
    fetch,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(subject ? { "x-subject-user-id": subject.userId } : {}),
      ...(subject?.orgId ? { "x-subject-org-id": subject.orgId } : {}),
      ...(subject?.orgRole ? { "x-subject-org-role": subject.orgRole } : {}),
      ...headers,
    },
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;
