/**
 * Encrypts credential payloads. `context` is bound to the ciphertext as additional authenticated
 * data: a record moved to another credential, owner or provider no longer decrypts.
 */
export interface CredentialCipher {
  /** The key id new records are encrypted with. */
  readonly currentKeyId: string;
  encrypt(plaintext: Buffer, context: string): EncryptedRecord;
  /** Throws DecryptionError when the record was tampered with, bound to another context, or its key is unknown. */
  decrypt(record: EncryptedRecord, context: string): Buffer;
}

export interface EncryptedRecord {
  v: 1;
  alg: "A256GCM";
  kid: string;
  iv: string;
  tag: string;
  ct: string;
}

export class DecryptionError extends Error {
  constructor(
    readonly code: "unknown_key" | "integrity_check_failed" | "malformed_record",
    message: string,
  ) {
    super(message);
    this.name = "DecryptionError";
  }
}
