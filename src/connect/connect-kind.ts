import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { errorResponses } from "../http/openapi/error-responses.ts";
import type { ApiEnv } from "../http/router.ts";
import type { ApiKeyFieldView } from "../providers/provider-view.ts";
import type { ConnectLink } from "./connect-links.ts";

/**
 * One way of connecting a provider on the connect page: browser login today, OAuth2 and API keys
 * as they land. A kind lists its providers and adds its own connect-link-authorised endpoints
 * (under `/connect/{token}/…`); the page picks its renderer by `kind` (page/connect.js, `RENDERERS`).
 * Adding a kind is one such object here and one renderer there.
 */
export interface ConnectKind {
  /** The page's name for it: "browser_login", "oauth2", "api_key". */
  kind: string;
  /** Its providers; `fields` for those the page shows a form for (API keys). */
  providers(): { id: string; name: string; fields?: ApiKeyFieldView[] }[];
  register(app: OpenAPIHono<ApiEnv>, access: ConnectAccess): void;
}

/** What a kind's endpoints use to authorise a request by its connect link. */
export interface ConnectAccess {
  /** The link the request's `{token}` names, or a 404/410 error thrown. */
  linkOf(c: Context): Promise<ConnectLink>;
  /** Whether the link offers this provider (links may name a subset). */
  offers(link: ConnectLink, providerId: string): boolean;
  /** Throws the 404 unless the link offers this provider and it is of this kind. */
  requireOffered(link: ConnectLink, providerId: string, kind: string): void;
}

/** The error answers of a connect-link endpoint: 404 for a forged link (and what else it means there), 410 for an expired one. */
export const linkErrors = (notFound = "Unknown or forged link") =>
  errorResponses([404, 410], { 404: notFound, 410: "The link has expired" });
