import { z } from "zod";
import type { Subject } from "../core/subject.ts";
import type { CredentialAccess } from "./credential-audit.ts";
import type { CredentialVault } from "./credential-vault.ts";

/** What asking the provider to revoke a credential's tokens came to (DELETE /credentials/:id reports it). */
export const revocationOutcomeSchema = z.union([
  z.object({ status: z.enum(["revoked", "not_supported"]) }),
  z.object({ status: z.literal("failed"), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type RevocationOutcome = z.infer<typeof revocationOutcomeSchema>;

/** Asks a credential's provider to revoke it (OAuth2: RFC 7009), before it is deleted here. */
export type Revoker = (
  id: string,
  subject: Subject,
  access: Omit<CredentialAccess, "purpose">,
) => Promise<RevocationOutcome>;

/** The answer to deleting an OAuth2 credential: whether its provider revoked its tokens (other kinds answer 204). */
export const deletedOAuth2Schema = z
  .object({
    credentialId: z.string(),
    deleted: z.literal(true),
    revocation: revocationOutcomeSchema,
  })
  .meta({ id: "DeletedOAuth2Credential" });

export interface CredentialDeletionDeps {
  vault: CredentialVault;
  /** Revokes OAuth2 credentials at their provider (oauth2/): absent when the deployment has no OAuth2. */
  revokeOAuth2?: Revoker;
}

/**
 * Deletes one of a subject's credentials; an OAuth2 one is first revoked at its provider (a failed
 * revocation is reported, and the delete goes on). DELETE /credentials/:id and the connect page's
 * Disconnect both delete here. `undefined` when the subject has no such credential.
 */
export async function deleteCredential(
  { vault, revokeOAuth2 }: CredentialDeletionDeps,
  id: string,
  subject: Subject,
  access: Omit<CredentialAccess, "purpose">,
): Promise<{ revocation?: RevocationOutcome } | undefined> {
  const found = await vault.describe(id, subject);
  if (!found) return undefined;
  const revocation = found.kind === "oauth2" && revokeOAuth2 ? await revokeOAuth2(id, subject, access) : undefined;
  if (!(await vault.delete(id, subject))) return undefined;
  return revocation ? { revocation } : {};
}
