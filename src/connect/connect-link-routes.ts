import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { subjectSecurity } from "../http/openapi/security.ts";
import { createApiRouter } from "../http/router.ts";
import type { ConnectKind } from "./connect-kind.ts";
import type { ConnectLinks } from "./connect-links.ts";

const httpUrl = z
  .string()
  .max(2048)
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), "must be an http(s) URL");

const mintRoute = createRoute({
  method: "post",
  path: "/connect/links",
  summary: "Mint a short-lived connect page link for the caller's subject",
  // The shared constant's inferred type has an optional member the OpenAPI types refuse.
  security: subjectSecurity,
  request: {
    body: {
      required: false,
      content: {
        "application/json": {
          schema: z
            .object({
              providers: z
                .array(z.string().min(1).max(64))
                .min(1)
                .max(100)
                .optional()
                .describe("Provider ids to offer (default: all)"),
              returnUrl: httpUrl.optional().describe("Where the page's Back link leads"),
              message: z.string().max(500).optional().describe("A line the page shows above the providers"),
              ttlSeconds: z
                .number()
                .int()
                .min(1)
                .max(3600)
                .optional()
                .describe("Lifetime (default CONNECT_LINK_TTL_SECONDS)"),
            })
            .strict(),
        },
      },
    },
  },
  responses: {
    201: jsonResponse(
      "The link: send the user there (it is a capability, like a password reset link)",
      z.object({ url: z.string(), expiresAt: z.string() }).openapi("ConnectLinkMinted"),
    ),
    ...errorResponses([400, 401, 404, 415], { 404: "A provider that is not configured (`provider_not_found`)" }),
  },
});

/** `POST /connect/links`: an app with an API key mints a link for its user; no key ever reaches the browser. */
export function connectLinkRoutes(deps: {
  links: ConnectLinks;
  kinds: ConnectKind[];
  ttlMs: number;
  publicUrl: () => string;
}) {
  const app = createApiRouter();
  app.openapi(mintRoute, async (c) => {
    // An empty body is all defaults; a body that is not JSON is refused by the content-type check.
    const body = c.req.header("content-type") ? c.req.valid("json") : {};
    const known = new Set(deps.kinds.flatMap((k) => k.providers().map((p) => p.id)));
    const unknown = body.providers?.find((id) => !known.has(id));
    if (unknown) throw new ApiError(404, "provider_not_found", `No provider ${unknown}; GET /providers lists them`);
    const { providers, returnUrl, message } = body;
    const minted = await deps.links.mint(
      {
        subject: c.get("subject"),
        ...(providers ? { providers: [...new Set(providers)] } : {}),
        ...(returnUrl ? { returnUrl } : {}),
        ...(message ? { message } : {}),
      },
      body.ttlSeconds ? body.ttlSeconds * 1000 : deps.ttlMs,
    );
    c.header("cache-control", "no-store");
    return c.json(
      { url: `${deps.publicUrl().replace(/\/+$/, "")}/connect/${minted.token}`, expiresAt: minted.expiresAt },
      201,
    );
  });
  return app;
}
