import type { CredentialAccess } from "../credentials/credential-audit.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import { z } from "zod";
import { revocationOutcomeSchema, type OAuth2AccessTokens, type RevocationOutcome } from "../oauth2/oauth2-access-tokens.ts";
import type { Subject } from "../sessions/subject.ts";

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
  oauth2?: { tokens: Pick<OAuth2AccessTokens, "revoke"> };
}

/**
 * Deletes one of a subject's credentials; an OAuth2 one is first revoked at its provider (a failed
 * revocation is reported, and the delete goes on). DELETE /credentials/:id and the connect page's
 * Disconnect both delete here. `undefined` when the subject has no such credential.
 */
export async function deleteCredential(
  { vault, oauth2 }: CredentialDeletionDeps,
  id: string,
  subject: Subject,
  access: Omit<CredentialAccess, "purpose">,
): Promise<{ revocation?: RevocationOutcome } | undefined> {
  const found = await vault.describe(id, subject);
  if (!found) return undefined;
  const revocation = found.kind === "oauth2" && oauth2 ? await oauth2.tokens.revoke(id, subject, access) : undefined;
  if (!(await vault.delete(id, subject))) return undefined;
  return revocation ? { revocation } : {};
}
