import type { Subject } from "../core/subject.ts";
import type { EnvelopeSealed, SealedCredential } from "../crypto/sealed-credential.ts";

export type { CredentialMetadata } from "./credential-metadata-schema.ts";

import type { CredentialMetadata } from "./credential-metadata-schema.ts";

/** A credential as stored: clear metadata and owner, the encrypted payload and (format 2) its wrapped data key. */
export type StoredCredential = { metadata: CredentialMetadata; owner: Subject } & SealedCredential;

/** Whether a compare-and-swap wrote: "missing" when the credential is gone, "changed" when it no longer holds what was expected. */
export type ReplaceOutcome = "replaced" | "missing" | "changed";

/** How many credentials a key-encryption key protects, by stored format. */
export interface KeyUsage {
  keyId: string;
  format: 1 | 2;
  count: number;
}

/**
 * Where encrypted credentials live. Implementations hold ciphertext, wrapped keys and the metadata
 * above, nothing else, and need no key: they never decrypt.
 */
export interface CredentialStore {
  put(credential: StoredCredential): Promise<void>;
  /** undefined when missing, or when its data key was destroyed (the payload alone is unreadable). */
  get(id: string): Promise<StoredCredential | undefined>;
  listByOwner(owner: Subject): Promise<CredentialMetadata[]>;
  /**
   * Crypto-shredding: destroys the wrapped data key first, then payload and metadata, so a delete cut
   * short (or a copy of the payload that outlives it) leaves ciphertext no key opens.
   */
  delete(id: string): Promise<boolean>;
  /** Every credential id, for key rotation. */
  allIds(): AsyncIterable<string>;
  /**
   * Key rotation's compare-and-swap: stores `next` (a rewrapped data key, or a format-1 record
   * upgraded to an envelope) only while the credential still holds exactly the sealed form `expected`
   * that was read. Atomic: a concurrent delete is not undone, a concurrent re-seal is not overwritten.
   */
  replaceSealed(id: string, expected: SealedCredential, next: EnvelopeSealed): Promise<ReplaceOutcome>;
  /**
   * An update in place (status, verification, a re-sealed secret): writes `next.metadata`, and with
   * `next.sealed` a new payload and data key, only while the stored metadata still has revision
   * `expectedRevision`. Atomic: concurrent writers cannot both win, a concurrent delete is not undone.
   * The caller bumps `revision` in `next.metadata`.
   */
  update(
    id: string,
    expectedRevision: number,
    next: { metadata: CredentialMetadata; sealed?: EnvelopeSealed },
  ): Promise<ReplaceOutcome>;
  /** Which key-encryption key protects how many credentials, read from wrapped keys and records without decrypting. */
  keyUsage(): Promise<KeyUsage[]>;
}
