import { z } from "zod";
import {
  CREDENTIAL_USAGES,
  type CredentialMetadata,
  credentialMetadataSchema,
  credentialStatusSchema,
  lastCheckSchema,
  RENEWED_BY,
} from "./credential-metadata-schema.ts";

const stored = credentialMetadataSchema.shape;
const clientMetadataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const common = {
  id: stored.id,
  providerId: stored.providerId,
  status: credentialStatusSchema,
  version: z.number().int().min(1),
  createdAt: stored.createdAt,
  updatedAt: z.string(),
  lastVerifiedAt: z.string().nullable(),
  expiresAt: z.string().nullable().describe("When it is expected to stop working"),
  metadata: clientMetadataSchema
    .optional()
    .describe("What the client sent beside it (POST /credentials), stored as sent"),
};

/**
 * A credential as clients see it (`GET /credentials`, credential events): the same shape for every
 * kind plus its kind's own clear facts; never the key id, the revision or any value.
 */
export const credentialViewSchema = z
  .discriminatedUnion("kind", [
    z
      .object({
        ...common,
        kind: z.literal("browser_login"),
        sessionId: stored.sessionId,
        origins: z.array(z.string()),
        cookieCount: z.number(),
        earliestExpiry: z.string().nullable(),
        suspect: stored.suspect,
        suspectReason: stored.suspectReason,
        usage: z
          .enum(CREDENTIAL_USAGES)
          .describe(
            "`restore`: load the state into your browser (and check it in when done); `live`: the provider needs a live page, drive the kept-alive browser",
          ),
        lastAcceptedAt: z.string().nullable().describe("When the site last showed it logged in (capture, or a check)"),
        lastCheck: lastCheckSchema
          .optional()
          .describe(
            "The last health check: what it found and why, whether it touched the site, whether it stored a newer state",
          )
          .meta({ id: "CredentialLastCheck" }),
        lastRenewal: z
          .object({ at: z.string(), by: z.enum(RENEWED_BY) })
          .optional()
          .describe("The last time a newer state was stored in place (version + 1), and by what"),
        device: stored.device.describe("The device the site saw at login (user agent, locale, time zone, sizes)"),
      })
      .meta({ id: "BrowserLoginCredential" }),
    z.object({ ...common, kind: z.literal("oauth2"), scopes: z.array(z.string()) }).meta({ id: "OAuth2Credential" }),
    z
      .object({ ...common, kind: z.literal("api_key"), fieldNames: z.array(z.string()) })
      .meta({ id: "ApiKeyCredential" }),
  ])
  .meta({ id: "Credential" });

export type CredentialView = z.infer<typeof credentialViewSchema>;

export function credentialView(m: CredentialMetadata): CredentialView {
  const { id, kind, providerId, status, version, createdAt, updatedAt, lastVerifiedAt, expiresAt } = m;
  const metadata = clientMetadataSchema.safeParse(m.metadata);
  const common = {
    id,
    providerId,
    status,
    version,
    createdAt,
    updatedAt: updatedAt ?? createdAt,
    lastVerifiedAt: lastVerifiedAt ?? null,
    expiresAt: expiresAt ?? m.earliestExpiry ?? null,
    ...(metadata.success ? { metadata: metadata.data } : {}),
  };
  switch (kind) {
    case "browser_login": {
      const { sessionId, origins = [], cookieCount = 0, earliestExpiry = null, suspect, suspectReason, device } = m;
      return {
        ...common,
        kind,
        sessionId,
        origins,
        cookieCount,
        earliestExpiry,
        ...(suspect ? { suspect, suspectReason } : {}),
        usage: m.usage ?? "restore",
        lastAcceptedAt: m.lastAcceptedAt ?? null,
        ...(m.lastCheck ? { lastCheck: m.lastCheck } : {}),
        ...(m.lastRenewal ? { lastRenewal: m.lastRenewal } : {}),
        ...(device ? { device } : {}),
      };
    }
    case "oauth2":
      return { ...common, kind, scopes: Array.isArray(m.scopes) ? (m.scopes as string[]) : [] };
    case "api_key":
      return { ...common, kind, fieldNames: Array.isArray(m.fieldNames) ? (m.fieldNames as string[]) : [] };
  }
}
