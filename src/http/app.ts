import { createRoute, z } from "@hono/zod-openapi";
import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import type { Logger } from "pino";
import { errorBody, toErrorResponse } from "./errors.ts";
import { errorResponses } from "./openapi/error-responses.ts";
import { jsonResponse } from "./openapi/json-response.ts";
import { referenceRoutes } from "./openapi/reference-routes.ts";
import { createApiRouter } from "./router.ts";
import { serviceKeyAuth } from "./service-key-auth.ts";
import type { SubjectHeaders, SubjectResolver } from "./subject-resolver.ts";

/** Routes a feature adds, mounted at `path` (their paths join the OpenAPI document under it). */
export interface Mount {
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: a feature's router, whatever its own environment
  routes: Hono<any, any, any>;
}

/** Routes behind a service key: they act for the subject the request names, or (`operator`) for nobody in particular. */
export interface KeyedMount extends Mount {
  /** The operator's routes (webhook endpoints): no subject is resolved under the mount's first path segment. */
  operator?: true;
}

export interface HttpAppOptions {
  logger: Logger;
  /** The service keys (API_KEYS) that open the keyed routes. */
  serviceKeys: readonly string[];
  resolveSubject: SubjectResolver;
  /** The headers the default resolver reads, as /openapi.json names them (default x-subject-user-id, x-subject-org-id, x-subject-org-role). */
  subjectHeaders?: SubjectHeaders;
  /** Request body limit of every route, keyed or open (413 beyond it, before anything reads the body). */
  bodyLimitBytes?: number;
  /** Keyed routes whose bodies may be larger (a browser state checked in): their own limit, by path. */
  largeBodies?: { path: RegExp; maxSize: number }[];
  /** Readiness (`GET /readyz`): rejects while a dependency the API needs (Redis) is not reachable. */
  ready(): Promise<void>;
  /** The path as the request log may show it: a link's token in a path is its capability, never logged. */
  logPath?(path: string): string;
  /** Reached without a service key, in this order: pages behind signed links, callbacks, operator pages with their own authentication. */
  open: Mount[];
  /** Behind a service key, in this order (the order of /openapi.json). */
  keyed: KeyedMount[];
}

const okSchema = z.object({ ok: z.literal(true) });
const healthz = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["Health"],
  summary: "The process is up",
  responses: { 200: jsonResponse("Up", okSchema), ...errorResponses([]) },
});
const readyz = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["Health"],
  summary: "Redis answers: ready for requests",
  responses: {
    200: jsonResponse("Ready", okSchema),
    ...errorResponses([503], { 503: "Redis is not reachable (`storage_unavailable`)" }),
  },
});

const DEFAULT_BODY_LIMIT = 16 * 1024;

/**
 * The HTTP shell: request ids and the request log, health, the API reference, the service-key check,
 * the body limit, the subject of each request, and the one error shape. It knows no feature: the
 * features' routes come in as mounts, and the service composes them (service/api-app.ts).
 */
export function createHttpApp(options: HttpAppOptions) {
  if (options.serviceKeys.length === 0) throw new Error("createHttpApp needs at least one service key");
  const app = createApiRouter();
  const { logger } = options;
  const logPath = options.logPath ?? ((path: string) => path);

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    // Status polls are the bulk of traffic: keep them out of the default log level, and build no
    // log line at a level that is off.
    const level = c.req.method === "GET" && c.res.status < 400 ? "debug" : "info";
    if (!logger.isLevelEnabled(level)) return;
    logger[level](
      {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: logPath(c.req.path),
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      "request",
    );
  });

  // Every route, open or keyed: a body is refused before anything parses it. A declared
  // Content-Length beyond the limit is refused unread; a chunked body is counted as it streams in
  // and refused as soon as it passes the limit, so no more than the limit is ever held.
  const limitOf = (maxSize: number) =>
    bodyLimit({
      maxSize,
      // The rest of the body is not wanted: closing the connection stops the client sending it.
      onError: (c) =>
        c.json(errorBody("payload_too_large", `The request body is larger than ${maxSize} bytes`), 413, {
          connection: "close",
        }),
    });
  const limitBody = limitOf(options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT);
  // Routes that take more (a browser's whole state on check-in), each with its own limit.
  const large = (options.largeBodies ?? []).map(({ path, maxSize }) => ({ path, limit: limitOf(maxSize) }));
  // A GET or HEAD has no body to limit (@hono/node-server gives them none), but asking for it makes
  // the server build a full WHATWG Request with an AbortController for every status poll.
  app.use((c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    return (large.find((l) => l.path.test(c.req.path))?.limit ?? limitBody)(c, next);
  });

  app.openapi(healthz, (c) => c.json({ ok: true as const }, 200));
  app.openapi(readyz, async (c) => {
    try {
      await options.ready();
      return c.json({ ok: true as const }, 200);
    } catch {
      return c.json(errorBody("storage_unavailable", "Redis is not reachable"), 503);
    }
  });

  // Before the service key middleware: the document and its reference page are public (the API's shape is no secret).
  referenceRoutes(app, options.subjectHeaders);
  for (const { path, routes } of options.open) app.route(path, routes);

  const keyed = createApiRouter();
  keyed.use(serviceKeyAuth(options.serviceKeys));
  // An operator mount owns its first path segment (`/webhooks/…`): no subject is asked for under it.
  const operatorPrefixes = options.keyed.filter((m) => m.operator).map((m) => `/${m.path.split("/")[1]}/`);
  keyed.use(async (c, next) => {
    if (!operatorPrefixes.some((prefix) => c.req.path.startsWith(prefix))) {
      const { userId, orgId, orgRole } = await options.resolveSubject(c);
      // Whom it acts for goes on records; the role is this request's only (core/subject.ts).
      c.set("subject", orgId === undefined ? { userId } : { userId, orgId });
      if (orgId !== undefined) c.set("orgRole", orgRole ?? "member");
    }
    await next();
  });
  for (const { path, routes } of options.keyed) keyed.route(path, routes);
  app.route("/", keyed);

  app.notFound((c) => c.json(errorBody("not_found", `No route ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) =>
    toErrorResponse(error, c, (e) =>
      logger.error({ err: { name: (e as Error)?.name, message: (e as Error)?.message } }, "unhandled error"),
    ),
  );
  return app;
}
