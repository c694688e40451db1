import { z } from "zod";
import type { SealedFieldRotation } from "../../crypto/sealed-field-rotation.ts";

/** An organisation's own OAuth client for a provider, as shown (the secret is write-only). */
export const oauth2ClientViewSchema = z.object({
  providerId: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  updatedAt: z.string(),
});
export type OAuth2ClientView = z.infer<typeof oauth2ClientViewSchema>;

/** A client as the token requests use it: the secret decrypted, in memory only. */
export interface OAuth2Client {
  clientId: string;
  clientSecret?: string;
}

/**
 * Per-organisation OAuth clients: the client in clear and its secret sealed by the credential key
 * ring, bound to org and provider (a sealed secret copied to another org or provider does not
 * decrypt). In Redis (redis-oauth2-client-configs.ts) or PostgreSQL (postgres-oauth2-client-configs.ts),
 * wherever CREDENTIAL_STORE keeps the credentials.
 */
export interface OAuth2ClientConfigs {
  put(orgId: string, providerId: string, client: OAuth2Client): Promise<OAuth2ClientView>;
  get(orgId: string, providerId: string): Promise<OAuth2ClientView | undefined>;
  /** The client with its secret decrypted: only token requests ask, for the moment they send it. */
  open(orgId: string, providerId: string): Promise<OAuth2Client | undefined>;
  delete(orgId: string, providerId: string): Promise<boolean>;
  /** Key rotation: every client secret under the current key-encryption key (`npm run rotate-keys`). */
  rotateSecrets(): Promise<SealedFieldRotation>;
  /** Which key-encryption key protects each client secret, by `<org>/<provider>` (oauth2ClientRef). */
  secretKeyIds(): Promise<Map<string, string>>;
}

/** What a client secret is sealed for: its org and provider, so a copy elsewhere does not open. */
export const oauth2ClientSecretContext = (orgId: string, providerId: string) =>
  `blc/oauth2-client/v1|${encodeURIComponent(orgId)}|${providerId}`;

/** How rotation reports name a client: `<org>/<provider>`, the org URI-encoded. */
export const oauth2ClientRef = (orgId: string, providerId: string) => `${encodeURIComponent(orgId)}/${providerId}`;

/** The view a put stores and answers: no secret in it, only whether there is one. */
export const oauth2ClientView = (providerId: string, { clientId, clientSecret }: OAuth2Client): OAuth2ClientView => ({
  providerId,
  clientId,
  hasClientSecret: clientSecret !== undefined,
  updatedAt: new Date().toISOString(),
});
