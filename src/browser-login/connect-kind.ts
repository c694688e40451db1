import { createRoute, z } from "@hono/zod-openapi";
import { type ConnectKind, linkErrors } from "../connect/connect-kind.ts";
import type { ConnectLink } from "../connect/connect-links.ts";
import { canonicalLocale, canonicalTimeZone } from "../core/locale.ts";
import { sameOwner } from "../core/subject.ts";
import { ApiError } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonBody } from "../http/openapi/json-body.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { sessionIdSchema } from "../http/route-params.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import type { LiveViewLinks } from "./live-view-ports.ts";
import {
  cancelLoginSession,
  type createLoginStarter,
  type LoginStarterDeps,
  sessionWaiter,
  TOO_MANY_SESSIONS,
} from "./login-actions.ts";
import { isFinal, type SessionRecord, sessionStatusSchema } from "./sessions/session-record.ts";
import { acceptsComplete } from "./sessions/session-states.ts";

/** What the page needs of a login session: no owner, no login URL, no metadata. */
const connectSessionSchema = z
  .object({
    sessionId: z.string(),
    providerId: z.string(),
    status: sessionStatusSchema,
    liveViewUrl: z.string().nullable(),
    expiresAt: z.string(),
    credentialId: z.string().optional(),
    /** Logged in, and the provider captures when told (captureOn "complete"): the person says when they are done. */
    awaitsDone: z.boolean(),
    lastLoginRejection: z.object({ at: z.string(), count: z.number() }).optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .openapi("ConnectBrowserLogin");

const tokenParam = z.object({ token: z.string().max(200) });
const sessionParams = tokenParam.extend({ sessionId: sessionIdSchema });

const sessionErrors = linkErrors("Unknown or forged link, or no such session of the link's subject");

const start = createRoute({
  method: "post",
  path: "/connect/{token}/browser-login",
  summary: "Start a browser login for the connect link's subject",
  request: {
    params: tokenParam,
    body: jsonBody(
      z
        .object({
          providerId: z.string().min(1).max(64),
          // The person's own, read by the connect page from their browser: the login browser shows them.
          // One a browser reports that the service does not take is left out rather than refused.
          locale: z.string().max(64).optional(),
          timeZone: z.string().max(64).optional(),
        })
        .strict(),
    ),
  },
  responses: {
    202: jsonResponse("Started; the login page is up once liveViewUrl is set", connectSessionSchema),
    ...errorResponses([400, 429], { 429: TOO_MANY_SESSIONS }),
    ...linkErrors("Unknown or forged link, or a provider the link does not offer"),
  },
});

const status = createRoute({
  method: "get",
  path: "/connect/{token}/browser-login/{sessionId}",
  summary: "A connect-page login's status; with changedFrom, held up to 10 s until the status differs",
  request: { params: sessionParams, query: z.object({ changedFrom: sessionStatusSchema.optional() }) },
  responses: {
    200: jsonResponse("The session", connectSessionSchema),
    ...errorResponses([400]),
    ...sessionErrors,
  },
});

const done = createRoute({
  method: "post",
  path: "/connect/{token}/browser-login/{sessionId}/done",
  summary: 'The person is done in the login page: capture now (providers with captureOn "complete")',
  request: { params: sessionParams },
  responses: {
    200: jsonResponse("The session; the capture follows", connectSessionSchema),
    ...sessionErrors,
    ...errorResponses([409], { 409: "Not logged in yet, or the session has ended" }),
  },
});

const cancel = createRoute({
  method: "post",
  path: "/connect/{token}/browser-login/{sessionId}/cancel",
  summary: "Stop a connect-page login and close its browser",
  request: { params: sessionParams },
  responses: {
    200: jsonResponse("The cancelled session", connectSessionSchema),
    ...sessionErrors,
    ...errorResponses([409], { 409: "The session has already ended" }),
  },
});

/** How long a status request with `changedFrom` is held: the page's long poll. */
const HOLD_MS = 10_000;

export interface BrowserLoginConnectDeps extends Pick<LoginStarterDeps, "sessions" | "wakeups" | "draining" | "queue"> {
  providers: ProviderRegistry;
  startLogin: ReturnType<typeof createLoginStarter>;
  /** The live view's links; `viewerCheck`, when the deployment asks for one (LIVE_VIEW_VERIFIER_KEY), mints the `?check=` for a session. */
  liveView?: { links: LiveViewLinks; viewerCheck?: (sessionId: string) => string };
}

/** Browser-login providers on the connect page: the live view shown in place, its status followed by long polls. */
export function browserLoginConnectKind(deps: BrowserLoginConnectDeps): ConnectKind {
  const waitUntil = sessionWaiter(deps);
  const view = (record: SessionRecord) => {
    const urls = deps.liveView?.links.urlsFor(record);
    // With the anti-phishing check on, the page gets a checked viewer link. It goes only to the browser
    // that opened the connect link (every endpoint asks for its binding cookie), and that browser was
    // let in by the app's own connect check when the deployment asks for one (CONNECT_VERIFIER_KEY).
    const check = urls && deps.liveView?.viewerCheck ? `?check=${deps.liveView.viewerCheck(record.id)}` : "";
    return {
      sessionId: record.id,
      providerId: record.providerId,
      status: record.status,
      liveViewUrl: urls ? `${urls.liveViewUrl}${check}` : record.liveViewUrl,
      expiresAt: record.expiresAt,
      ...(record.credentialId ? { credentialId: record.credentialId } : {}),
      awaitsDone: record.status === "authenticated" && capturesOnDone(record.providerId),
      ...(record.lastLoginRejection ? { lastLoginRejection: record.lastLoginRejection } : {}),
      ...(record.error ? { error: record.error } : {}),
    };
  };

  const capturesOnDone = (providerId: string) => {
    const provider = deps.providers.get(providerId);
    return provider?.kind === "browser_login" && provider.captureOn === "complete";
  };
  const ownSession = async (link: ConnectLink, sessionId: string) => {
    const record = await deps.sessions.get(sessionId);
    if (!record || !sameOwner(record.owner, link.subject))
      throw new ApiError(404, "session_not_found", `No login session ${sessionId}`);
    return record;
  };

  return {
    kind: "browser_login",
    async endStarted(ids) {
      for (const id of ids) {
        const record = await deps.sessions.get(id);
        // Cancelling ends the browser and, with it, the live view the page framed.
        if (record && !isFinal(record.status))
          await cancelLoginSession(deps, record, "The app revoked the connect link this login was started from");
      }
    },
    providers: () =>
      deps.providers.list().flatMap(({ id, name, kind }) => (kind === "browser_login" ? [{ id, name }] : [])),
    register(app, { linkOf, requireOffered, started }) {
      app.openapi(start, async (c) => {
        const link = await linkOf(c);
        const { providerId, locale, timeZone } = c.req.valid("json");
        requireOffered(link, providerId, "browser_login");
        const record = await deps.startLogin(
          link.subject,
          {
            providerId,
            locale: locale && canonicalLocale(locale),
            timeZone: timeZone && canonicalTimeZone(timeZone),
            metadata: { via: "connect_page" },
          },
          HOLD_MS,
          undefined,
          { connectLinkId: link.id },
        );
        // Revoking the link cancels it.
        await started(link, "browser_login", record.id);
        return c.json(view(record), 202);
      });

      app.openapi(status, async (c) => {
        const link = await linkOf(c);
        const { sessionId } = c.req.valid("param");
        const { changedFrom } = c.req.valid("query");
        let record = await ownSession(link, sessionId);
        if (changedFrom && record.status === changedFrom) {
          record = (await waitUntil(sessionId, (r) => r.status !== changedFrom, HOLD_MS)) ?? record;
          // The link again, after the hold: one revoked meanwhile (which ends its logins) answers 410, not the ending.
          await linkOf(c);
        }
        return c.json(view(record), 200);
      });

      app.openapi(done, async (c) => {
        const record = await ownSession(await linkOf(c), c.req.valid("param").sessionId);
        if (!acceptsComplete(record.status)) {
          throw new ApiError(
            409,
            isFinal(record.status) ? "session_ended" : "login_not_finished",
            `The session is ${record.status}`,
          );
        }
        const requested = await deps.sessions.requestComplete(record.id);
        return c.json(view(requested.ok ? requested.record : ((await deps.sessions.get(record.id)) ?? record)), 200);
      });

      app.openapi(cancel, async (c) => {
        const record = await ownSession(await linkOf(c), c.req.valid("param").sessionId);
        const result = await cancelLoginSession(deps, record, "Cancelled on the connect page");
        if (!result.ok)
          throw new ApiError(409, "session_ended", `The session already ended as ${result.current.status}`);
        return c.json(view(result.record), 200);
      });
    },
  };
}
