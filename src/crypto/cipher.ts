import type { EnvelopeSealed, SealedCredential } from "./sealed-credential.ts";

/**
 * Encrypts credential payloads. `context` is bound to the ciphertext as additional authenticated
 * data: a record (or its wrapped data key) moved to another credential, owner or provider no
 * longer decrypts.
 */
export interface CredentialCipher {
  /** The key-encryption key new data keys are wrapped with. */
  readonly currentKeyId: string;
  /** Every key-encryption key configured, current first. */
  readonly keyIds: readonly string[];
  /** Encrypts under a fresh data key, wrapped by the current key-encryption key. */
  seal(plaintext: Buffer, context: string): EnvelopeSealed;
  /** Throws DecryptionError when the record or its wrapped key was tampered with, bound to another context, or its key is unknown. */
  open(sealed: SealedCredential, context: string): Buffer;
  /**
   * The same credential protected by the current key-encryption key, or undefined when it already
   * is. An envelope gets its data key rewrapped, the payload untouched; a format-1 record is
   * re-encrypted into an envelope.
   */
  rewrap(sealed: SealedCredential, context: string): EnvelopeSealed | undefined;
}

/** A credential that does not decrypt. The message names the reason, never a key or any plaintext. */
export class DecryptionError extends Error {
  readonly code: "unknown_key" | "integrity_check_failed" | "malformed_record";
  constructor(code: DecryptionError["code"], message: string) {
    super(message);
    this.code = code;
    this.name = "DecryptionError";
  }
}
