import { z } from "zod";
import { deviceSchema } from "./device.ts";

/** What a credential holds: a captured browser session, an OAuth2 token set, or API-key fields. */
export const CREDENTIAL_KINDS = ["browser_login", "oauth2", "api_key"] as const;
export const credentialKindSchema = z.enum(CREDENTIAL_KINDS);
export type CredentialKind = z.infer<typeof credentialKindSchema>;

/**
 * Whether the credential is believed to work: `active` until a check or a refresh says otherwise,
 * `expired` when a health check found it logged out (or its predicted expiry passed), `needs_reauth`
 * when the provider refused to renew it (OAuth2 `invalid_grant`), `inconclusive` when the last check
 * could not tell (it is still handed out: only a check that decides marks a credential expired).
 */
export const CREDENTIAL_STATUSES = ["active", "expired", "needs_reauth", "inconclusive"] as const;
export const credentialStatusSchema = z.enum(CREDENTIAL_STATUSES);
export type CredentialStatus = z.infer<typeof credentialStatusSchema>;

/** As stored: records written before `inconclusive` said `unknown` for the same thing. */
const storedStatusSchema = z.preprocess((v) => (v === "unknown" ? "inconclusive" : v), credentialStatusSchema);

/** What a credential check found: a status it decided, or `inconclusive`. */
export const CHECK_STATUSES = ["active", "expired", "inconclusive"] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** Who stored a newer state of a browser login in place (`credential.renewed` says so in `lastRenewal.by`). */
export const RENEWED_BY = ["relogin", "check", "check_in", "relogin_seed", "keep_alive"] as const;
export type RenewedBy = (typeof RENEWED_BY)[number];

/**
 * How a browser login is meant to be used: `restore` (load the state into a browser of your own, and
 * check it in when done) or `live` (the provider's sessions need a live page: the worker keeps the
 * logged-in browser open and the app drives it over DevTools).
 */
export const CREDENTIAL_USAGES = ["restore", "live"] as const;

/** The last health check of a credential: what it found, why, and whether our visit changed what is stored. */
export const lastCheckSchema = z.object({
  at: z.string(),
  status: z.enum(CHECK_STATUSES),
  method: z.enum(["browser", "http", "predicted_expiry"]),
  reason: z.string(),
  /** The check presented the credential to the site (a browser or an HTTP request): the site may have changed it. */
  touched: z.boolean(),
  /** What the site changed was stored in place (version + 1). */
  renewed: z.boolean(),
});
export type LastCheck = z.infer<typeof lastCheckSchema>;

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
  status: storedStatusSchema.default("active"),
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
  /** browser_login: how it is meant to be used (the provider's `keepAlive` makes it `live`); `restore` when absent. */
  usage: z.enum(CREDENTIAL_USAGES).optional(),
  /** browser_login: when the site last showed it logged in (the capture, a check that found it active). */
  lastAcceptedAt: z.string().nullable().optional(),
  lastCheck: lastCheckSchema.optional(),
  /** browser_login: the last time a newer state was stored in place, and by what. */
  lastRenewal: z.object({ at: z.string(), by: z.enum(RENEWED_BY) }).optional(),
  /** browser_login: the device the site saw at login, shown to it again by checks and re-logins. */
  device: deviceSchema.optional(),
});

export type CredentialMetadata = z.infer<typeof credentialMetadataSchema>;
