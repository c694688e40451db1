import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import type { SubjectHeaders } from "../subject-resolver.ts";
import { registerSecuritySchemes } from "./security.ts";

const own = (name: string) => readFileSync(new URL(`./docs-page/${name}`, import.meta.url), "utf8");
const require = createRequire(import.meta.url);
const swaggerUiDir = dirname(require.resolve("swagger-ui-dist/package.json"));
const { version } = require("../../../package.json") as { version: string };
const fromSwaggerUi = (name: string) => readFileSync(join(swaggerUiDir, name), "utf8");

/** The page and its files, read on first use: most processes (workers, tests) never serve them. */
const ASSETS: Record<string, { type: string; read: () => string }> = {
  "swagger-ui.css": { type: "text/css; charset=utf-8", read: () => fromSwaggerUi("swagger-ui.css") },
  // The source map comment would make devtools ask for a file we do not serve.
  "swagger-ui-bundle.js": {
    type: "text/javascript; charset=utf-8",
    read: () => fromSwaggerUi("swagger-ui-bundle.js").replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n"),
  },
  "docs.js": { type: "text/javascript; charset=utf-8", read: () => own("docs.js") },
};

const DOCUMENT_INFO = {
  openapi: "3.1.0",
  info: {
    title: "browser-login-capture",
    version,
    description:
      "Start a browser login for a user, let them log in on the real site through the live view, and receive their captured, encrypted session (cookies and storage). " +
      'Errors answer `{ "error": { "code", "message" } }`. Routes acting for a user take `Authorization: Bearer <API key>` and `x-subject-user-id` (optionally `x-subject-org-id`).',
  },
  // The reading order; tags not listed follow in the order their routes were declared.
  tags: [
    { name: "Browser login", description: "Start a login, follow it, complete or cancel it" },
    { name: "Credentials", description: "What logins left behind: metadata, the decrypted state, its audit trail" },
    { name: "Events", description: "Server-Sent Events of sessions and credentials" },
    { name: "Live view", description: "The self-hosted live view the user logs in through" },
    { name: "Webhooks", description: "The operator's webhook endpoints (API key only)" },
    { name: "Health", description: "For load balancers and orchestrators (no API key)" },
  ],
};

/**
 * `GET /openapi.json` (OpenAPI 3.1, built from the routes' zod schemas once, on first request) and
 * `GET /docs`, Swagger UI served from this origin: no CDN (deployments may be offline), no inline
 * script, so the page works under a strict Content-Security-Policy. Both are public: the API's
 * shape is no secret, and the page needs the document before anyone has entered a key.
 */
export function referenceRoutes<E extends Env>(app: OpenAPIHono<E>, subjectHeaders?: SubjectHeaders) {
  registerSecuritySchemes(app, subjectHeaders);
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get("/openapi.json", (c) => {
    document ??= app.getOpenAPI31Document(DOCUMENT_INFO);
    return c.json(document);
  });

  const headers = {
    "content-security-policy": [
      "default-src 'none'",
      "script-src 'self'",
      // Swagger UI's React components set style attributes.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ].join("; "),
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
  };
  const page = own("docs.html");
  app.get("/docs", (c) => c.html(page, 200, headers));
  const read: Record<string, string> = {};
  app.get("/docs/assets/:name", (c) => {
    const name = c.req.param("name");
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) return c.notFound();
    read[name] ??= asset.read();
    return c.body(read[name], 200, { ...headers, "content-type": asset.type, "cache-control": "public, max-age=3600" });
  });
}
