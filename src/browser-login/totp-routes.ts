import { createRoute, z } from "@hono/zod-openapi";
import type { Subject } from "../core/subject.ts";
import { credentialOfKind } from "../credentials/credential-of-kind.ts";
import { explainUnreadable } from "../credentials/credential-unreadable.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import { credentialView, credentialViewSchema } from "../credentials/credential-view.ts";
import { ApiError } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonBody } from "../http/openapi/json-body.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { subjectSecurity } from "../http/openapi/security.ts";
import { credentialIdParams } from "../http/route-params.ts";
import { createApiRouter } from "../http/router.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import { totpSecretFor, totpSecretInput } from "./totp-input.ts";

const tags = ["Credentials"];

const put = createRoute({
  method: "put",
  path: "/{id}/totp",
  tags,
  summary: "Store the person's TOTP secret with a browser login",
  description:
    "For providers that declare a one-time-code step (`acceptsTotpSecret`): the worker types the current code when the site asks for one, at re-login and in checks. The secret is sealed with the credential and never returned; the credential's `secondFactor` says one is stored. Writing a new one replaces it (and lifts a rejection of the old one); the credential's version does not change.",
  security: subjectSecurity,
  request: {
    params: credentialIdParams,
    body: jsonBody(
      z
        .object({
          secret: totpSecretInput.openapi({
            description: "Base32 (as authenticator apps show it), or the otpauth://totp/… URI of the QR code",
            example: "JBSWY3DPEHPK3PXP",
          }),
        })
        .strict()
        .openapi("TotpSecretInput"),
    ),
  },
  responses: {
    200: jsonResponse("The credential's metadata (never the secret)", credentialViewSchema),
    ...errorResponses([400, 401, 404, 409, 413, 415, 503], {
      400: "The request did not validate (`invalid_request`, ...), or the secret is neither base32 nor an otpauth:// TOTP URI (`invalid_totp_secret`)",
      404: "No such credential for this subject (`credential_not_found`)",
      409: "Not a browser login (`wrong_credential_kind`), its provider is not configured (`provider_not_found`) or declares no one-time-code step (`totp_not_declared`)",
      500: "The credential could not be decrypted (`credential_unreadable`), or another failure on our side",
    }),
  },
});

const remove = createRoute({
  method: "delete",
  path: "/{id}/totp",
  tags,
  summary: "Forget the TOTP secret stored with a browser login",
  description: "The site's code step is then the person's again. Idempotent.",
  security: subjectSecurity,
  request: { params: credentialIdParams },
  responses: {
    204: { description: "No TOTP secret is stored with the credential now" },
    ...errorResponses([400, 401, 404, 409, 503], {
      404: "No such credential for this subject (`credential_not_found`)",
      409: "Not a browser login (`wrong_credential_kind`)",
      500: "The credential could not be decrypted (`credential_unreadable`), or another failure on our side",
    }),
  },
});

export interface TotpRouteDeps {
  vault: CredentialVault;
  providers: ProviderRegistry;
}

/** `PUT|DELETE /credentials/:id/totp`: the person's TOTP secret, write-only, sealed with the credential. */
export function totpRoutes({ vault, providers }: TotpRouteDeps) {
  const routes = createApiRouter();
  const notFound = (id: string) => new ApiError(404, "credential_not_found", `No credential ${id}`);
  const browserLoginOf = (id: string, subject: Subject) =>
    credentialOfKind(vault, id, subject, "browser_login", "only a browser login has a code step");

  routes.openapi(put, async (c) => {
    const { id } = c.req.valid("param");
    const found = await browserLoginOf(id, c.get("subject"));
    const provider = providers.get(found.providerId);
    if (provider?.kind !== "browser_login")
      throw new ApiError(
        409,
        "provider_not_found",
        `Provider ${found.providerId} is not configured as a browser login`,
      );
    const totp = totpSecretFor(provider, c.req.valid("json").secret);
    const result = await explainUnreadable(() =>
      vault.amend(
        id,
        (secret) => (secret.kind === "browser_login" ? { ...secret, totp } : undefined),
        c.get("subject"),
        { purpose: "totp_secret_written", apiKeyId: c.get("apiKeyId"), requestId: c.get("requestId") },
      ),
    );
    if (result.outcome !== "replaced") throw notFound(id);
    return c.json(credentialView(result.metadata), 200);
  });

  routes.openapi(remove, async (c) => {
    const { id } = c.req.valid("param");
    const found = await browserLoginOf(id, c.get("subject"));
    if (!found.secondFactor) return c.body(null, 204);
    const result = await explainUnreadable(() =>
      vault.amend(
        id,
        (secret) => {
          if (secret.kind !== "browser_login" || !secret.totp) return undefined;
          const { totp: _gone, ...rest } = secret;
          return rest;
        },
        c.get("subject"),
        { purpose: "totp_secret_removed", apiKeyId: c.get("apiKeyId"), requestId: c.get("requestId") },
      ),
    );
    if (result.outcome === "missing") throw notFound(id);
    return c.body(null, 204);
  });

  return routes;
}
