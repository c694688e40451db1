import { createRoute, z } from "@hono/zod-openapi";
import { DecryptionError } from "../crypto/cipher.ts";
import { ApiError } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonBody } from "../http/openapi/json-body.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { subjectSecurity } from "../http/openapi/security.ts";
import { credentialIdParams } from "../http/route-params.ts";
import { createApiRouter } from "../http/router.ts";
import { capturedStateSchema } from "./captured-state.ts";
import type { CredentialEvents } from "./credential-events.ts";
import { credentialOfKind } from "./credential-of-kind.ts";
import type { CredentialVault } from "./credential-vault.ts";
import { credentialView, credentialViewSchema } from "./credential-view.ts";
import { renewInPlace } from "./state-renewal.ts";

/** The check-in's own body limit: a state with many origins' storage outgrows the API's default one. */
export const CHECK_IN_PATH = /^\/credentials\/[^/]+\/check-in$/;

const checkInSchema = z
  .object({
    version: z
      .number()
      .int()
      .min(1)
      .describe("The version this state was restored from (the storage-state answer's `version`)"),
    storageState: capturedStateSchema
      .extend({
        cookies: capturedStateSchema.shape.cookies.max(5_000),
        origins: capturedStateSchema.shape.origins.max(1_000),
      })
      .describe("What the browser holds now: cookies, and localStorage and sessionStorage of the origins it holds"),
  })
  .strict()
  .meta({ id: "CheckIn" });

const checkedInSchema = z
  .object({
    credentialId: z.string(),
    outcome: z
      .enum(["renewed", "unchanged"])
      .describe(
        "`renewed`: a newer state is stored (version + 1, `credential.renewed`); `unchanged`: nothing differed",
      ),
    version: z.number().int().describe("The credential's version now: restore or check in from this one next"),
    credential: credentialViewSchema,
  })
  .meta({ id: "CheckedIn" });

const checkIn = createRoute({
  method: "post",
  path: "/{id}/check-in",
  tags: ["Credentials"],
  summary: "Give back a browser login's state after using it",
  description:
    "Sites rotate sessions on use: the state an app restored (`GET /credentials/:id/storage-state`, or `restoreSession` from @browser-login-capture/client/playwright) may be spent once the app's browser has used it. Check in what the browser holds now, with the version it was restored from: it is merged into that version (origins the state does not hold keep their storage; cookies the site changed or removed apply) and stored in place, same id, version + 1. Compare-and-swap: if a newer version was stored meanwhile (a re-login, a check, another app's check-in), nothing is written and the answer is `409 stale_version` with `details.currentVersion`. Audited like a decrypt (`check_in`).",
  security: subjectSecurity,
  request: { params: credentialIdParams, body: jsonBody(checkInSchema) },
  responses: {
    200: jsonResponse("Checked in", checkedInSchema),
    ...errorResponses([400, 401, 404, 409, 413, 415, 503], {
      404: "No such credential for this subject (`credential_not_found`)",
      409: "Not a browser login (`wrong_credential_kind`), or a newer version is stored (`stale_version`, `details.currentVersion`)",
      413: "The state is larger than CHECK_IN_BODY_LIMIT_BYTES (`payload_too_large`)",
    }),
  },
});

export interface CheckInRouteDeps {
  vault: CredentialVault;
  events: CredentialEvents;
  /**
   * The provider's `origins`, when it declares them: only their cookies and storage are taken from a
   * check-in (an agent's browser also holds other sites' cookies, which are no part of this login).
   */
  providerOrigins?: (providerId: string) => string[] | undefined;
}

/** `POST /credentials/:id/check-in`: an app's browser state back, merged and stored in place (compare-and-swap). */
export function checkInRoute({ vault, events, providerOrigins }: CheckInRouteDeps) {
  const routes = createApiRouter();
  routes.openapi(checkIn, async (c) => {
    const { id } = c.req.valid("param");
    const { version, storageState } = c.req.valid("json");
    const subject = c.get("subject");
    const found = await credentialOfKind(
      vault,
      id,
      subject,
      "browser_login",
      "only a browser login holds a state to check in",
    );
    const stale = (currentVersion: number) =>
      new ApiError(
        409,
        "stale_version",
        `Credential ${id} is at version ${currentVersion}, newer than the ${version} this state was restored from: nothing was stored. Restore version ${currentVersion} (and check it in) to go on`,
        { currentVersion },
      );
    if (found.version !== version) throw stale(found.version);
    let opened: Awaited<ReturnType<CredentialVault["open"]>>;
    try {
      // The merge reads the stored state: a decrypt, audited as the check-in it is.
      opened = await vault.open(id, subject, {
        purpose: "check_in",
        apiKeyId: c.get("apiKeyId"),
        requestId: c.get("requestId"),
      });
    } catch (error) {
      if (error instanceof DecryptionError)
        throw new ApiError(500, "credential_unreadable", `The credential could not be decrypted: ${error.message}`);
      throw error;
    }
    if (opened?.secret.kind !== "browser_login") throw new ApiError(404, "credential_not_found", `No credential ${id}`);
    if (opened.metadata.version !== version) throw stale(opened.metadata.version);
    const result = await renewInPlace(
      { vault, events },
      {
        id,
        owner: subject,
        basedOn: { version, state: opened.secret.state },
        captured: storageState,
        scope: { origins: providerOrigins?.(found.providerId) },
        by: "check_in",
        // Handing a state back says nothing of whether the site still accepts it: the status stays.
        details: { status: opened.metadata.status },
      },
    );
    if (result.outcome === "missing") throw new ApiError(404, "credential_not_found", `No credential ${id}`);
    if (result.outcome === "stale") throw stale(result.currentVersion);
    const metadata = result.outcome === "renewed" ? result.metadata : opened.metadata;
    return c.json(
      { credentialId: id, outcome: result.outcome, version: metadata.version, credential: credentialView(metadata) },
      200,
    );
  });
  return routes;
}
