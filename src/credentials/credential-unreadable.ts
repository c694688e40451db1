import { DecryptionError } from "../crypto/cipher.ts";
import { ApiError } from "../http/errors.ts";

/**
 * Runs work that decrypts a credential; one that no longer decrypts (a tampered record, an unknown
 * key) is ours to explain, `500 credential_unreadable`, never the client's fault.
 */
export async function explainUnreadable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DecryptionError)
      throw new ApiError(500, "credential_unreadable", `The credential could not be decrypted: ${error.message}`);
    throw error;
  }
}
