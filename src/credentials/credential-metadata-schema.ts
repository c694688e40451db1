import { z } from "zod";

/** What a credential holds: a captured browser session, an OAuth2 token set, or API-key fields. */
export const CREDENTIAL_KINDS = ["browser_login", "oauth2", "api_key"] as const;
export const credentialKindSchema = z.enum(CREDENTIAL_KINDS);
export type CredentialKind = z.infer<typeof credentialKindSchema>;

/**
 * Whether the credential is believed to work: `active` until a check or a refresh says otherwise,
 * `expired` when a health check found it logged out (or its predicted expiry passed), `needs_reauth`
 * when the provider refused to renew it (OAuth2 `invalid_grant`), `unknown` when a check could not tell.
 */
export const CREDENTIAL_STATUSES = ["active", "expired", "needs_reauth", "unknown"] as const;
export const credentialStatusSchema = z.enum(CREDENTIAL_STATUSES);
export type CredentialStatus = z.infer<typeof credentialStatusSchema>;

/**
 * What is known, in clear, of a browser login's TOTP secret (never the secret): when the person wrote
 * it, when the worker last typed a code from it (a code is not typed twice: sites refuse reuse), and
 * when a site turned a code from it down (the worker then types no more codes from it until the
 * person writes a new secret: a retry could lock the account). The facts belong to the secret
 * written at `setAt`.
 */
export const secondFactorFactsSchema = z.object({
  kind: z.literal("totp"),
  setAt: z.string(),
  lastUsedAt: z.string().optional(),
  rejectedAt: z.string().optional(),
});
export type SecondFactorFacts = z.infer<typeof secondFactorFactsSchema>;

/**
 * What is known about a credential without decrypting it. Stored metadata is checked when read back:
 * a record that no longer has this shape is reported as such (500 stored_record_invalid) rather than
 * served half-formed. Loose: fields added later pass. Records written before kinds, statuses and
 * versions existed read as an active browser login at version 1.
 */
export const credentialMetadataSchema = z.looseObject({
  id: z.string(),
  kind: credentialKindSchema.default("browser_login"),
  providerId: z.string(),
  createdAt: z.string(),
  /** When the secret or the metadata last changed. */
  updatedAt: z.string().optional(),
  status: credentialStatusSchema.default("active"),
  /** Bumped each time the secret is replaced in place (re-login, refreshed cookies, refreshed tokens). */
  version: z.number().int().min(1).default(1),
  /** Bumped on every write: the store's compare-and-swap compares it. */
  revision: z.number().int().min(0).default(0),
  lastVerifiedAt: z.string().nullable().optional(),
  /** When it is expected to stop working: a token's expiry, or a captured session's earliest cookie expiry. */
  expiresAt: z.string().nullable().optional(),
  keyId: z.string(),
  /** browser_login: the session that captured it, and a summary of the captured state. */
  sessionId: z.string().optional(),
  origins: z.array(z.string()).optional(),
  cookieCount: z.number().optional(),
  earliestExpiry: z.string().nullable().optional(),
  /** The capture held no cookie or storage value that was new or changed since the login page loaded. */
  suspect: z.boolean().optional(),
  suspectReason: z.string().optional(),
  /** browser_login: a TOTP secret is held beside the captured state (what is known of it; never the secret). */
  secondFactor: secondFactorFactsSchema.optional(),
});

export type CredentialMetadata = z.infer<typeof credentialMetadataSchema>;
