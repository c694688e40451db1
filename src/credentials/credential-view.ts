import { z } from "zod";
import { credentialKindSchema, credentialStatusSchema, type CredentialMetadata } from "./credential-metadata-schema.js";

const clientMetadataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

const commonView = {
  id: z.string(),
  providerId: z.string(),
  status: credentialStatusSchema,
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastVerifiedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  /** What the client sent beside it (POST /credentials, POST /oauth2/start), stored as sent. */
  metadata: clientMetadataSchema.optional(),
};

/** A credential as clients see it: the same shape for every kind plus its kind's own clear facts. */
export const credentialViewSchema = z
  .discriminatedUnion("kind", [
    z.object({
      ...commonView,
      kind: z.literal(credentialKindSchema.enum.browser_login),
      sessionId: z.string().optional(),
      origins: z.array(z.string()),
      cookieCount: z.number(),
      earliestExpiry: z.string().nullable(),
      suspect: z.boolean().optional(),
      suspectReason: z.string().optional(),
    }),
    z.object({ ...commonView, kind: z.literal(credentialKindSchema.enum.oauth2), scopes: z.array(z.string()) }),
    z.object({ ...commonView, kind: z.literal(credentialKindSchema.enum.api_key), fieldNames: z.array(z.string()) }),
  ])
  .meta({ id: "Credential" });

export type CredentialView = z.infer<typeof credentialViewSchema>;

/**
 * A credential as clients see it (`GET /credentials`, credential events): never the key id, the
 * revision or any value.
 */
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
      const { sessionId, origins = [], cookieCount = 0, earliestExpiry = null, suspect, suspectReason } = m;
      return { ...common, kind, sessionId, origins, cookieCount, earliestExpiry, ...(suspect ? { suspect, suspectReason } : {}) };
    }
    case "oauth2":
      return { ...common, kind, scopes: Array.isArray(m.scopes) ? (m.scopes as string[]) : [] };
    case "api_key":
      return { ...common, kind, fieldNames: Array.isArray(m.fieldNames) ? (m.fieldNames as string[]) : [] };
  }
}
