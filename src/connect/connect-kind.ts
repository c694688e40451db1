import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { errorResponses } from "../http/openapi/error-responses.ts";
import type { ApiEnv } from "../http/router.ts";
import type { ApiKeyFieldView } from "../providers/provider-view.ts";
import type { ConnectLink, StartedThrough } from "./connect-links.ts";

/**
 * One way of connecting a provider on the connect page: browser login, OAuth2, API keys. A kind
 * lists its providers and adds its own connect-link-authorised endpoints (under `/connect/{token}/…`);
 * the page picks its renderer by `kind` (page/connect.js, `RENDERERS`). Adding a kind is one such
 * object here and one renderer there.
 */
export interface ConnectKind {
  /** The page's name for it: "browser_login", "oauth2", "api_key". */
  kind: string;
  /** Its providers; `fields` for those the page shows a form for (API keys). */
  providers(): { id: string; name: string; fields?: ApiKeyFieldView[] }[];
  register(app: OpenAPIHono<ApiEnv>, access: ConnectAccess): void;
  /**
   * Ends what this kind started through a link the app has revoked (ids as given to `access.started`):
   * a login session is cancelled, an OAuth2 authorization forgotten. Something already over is no error.
   */
  endStarted?(ids: string[]): Promise<void>;
}

/** What a kind's endpoints use to authorise a request by its connect link. */
export interface ConnectAccess {
  /**
   * The link the request's `{token}` names, presented by the browser that opened it (its binding
   * cookie); otherwise the 404 (forged), 410 (expired, revoked) or 403 (another browser's) thrown.
   */
  linkOf(c: Context): Promise<ConnectLink>;
  /** Whether the link offers this provider (links may name a subset). */
  offers(link: ConnectLink, providerId: string): boolean;
  /** Throws the 404 unless the link offers this provider and it is of this kind. */
  requireOffered(link: ConnectLink, providerId: string, kind: string): void;
  /**
   * Records something the link started (`id` is the kind's own), so that revoking the link ends it.
   * If the link was revoked meanwhile, it is ended at once (the kind's `endStarted`) and the 410 thrown.
   */
  started(link: ConnectLink, kind: string, id: string): Promise<void>;
}

/**
 * The error answers of a connect-link endpoint: 404 for a forged link (and what else it means there),
 * 403 when the request is not from the browser that opened the link, 410 for an expired or revoked one.
 */
export const linkErrors = (notFound = "Unknown or forged link") =>
  errorResponses([403, 404, 410], {
    403: "Not the browser that opened the link (`connect_link_opened_elsewhere`), the link not opened yet (`connect_link_not_opened`), a cross-site request (`cross_site_request`), or a component link's request from another origin than its own (`origin_not_allowed`)",
    404: notFound,
    410: "The link has expired (`connect_link_expired`) or the app revoked it (`connect_link_revoked`)",
  });

/**
 * Ends what a link started, each kind its own. Every kind is tried; then the first failure is thrown,
 * so the app's revoke fails and can be repeated (ending something already ended is no error).
 */
export async function endStarted(kinds: ConnectKind[], started: StartedThrough[]): Promise<void> {
  const results = await Promise.allSettled(
    kinds.map((k) => {
      const ids = started.filter((s) => s.kind === k.kind).map((s) => s.id);
      return ids.length && k.endStarted ? k.endStarted(ids) : undefined;
    }),
  );
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
}
