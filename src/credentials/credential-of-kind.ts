import type { Subject } from "../core/subject.ts";
import { ApiError } from "../http/errors.ts";
import type { CredentialKind, CredentialMetadata } from "./credential-metadata-schema.ts";
import type { CredentialVault } from "./credential-vault.ts";

const article = (kind: CredentialKind) => (kind === "browser_login" ? "a" : "an");

/**
 * The caller's credential of one kind, described without decrypting: 404 `credential_not_found` when
 * it is missing or someone else's, 409 `wrong_credential_kind` saying what it is and `instead`.
 */
export async function credentialOfKind(
  vault: Pick<CredentialVault, "describe">,
  id: string,
  owner: Subject,
  kind: CredentialKind,
  instead: string,
): Promise<CredentialMetadata> {
  const found = await vault.describe(id, owner);
  if (!found) throw new ApiError(404, "credential_not_found", `No credential ${id}`);
  if (found.kind !== kind)
    throw new ApiError(
      409,
      "wrong_credential_kind",
      `Credential ${id} is ${article(found.kind)} ${found.kind} credential: ${instead}`,
    );
  return found;
}
