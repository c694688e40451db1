import type { EncryptedRecord } from "../crypto/cipher.js";
import type { Subject } from "../sessions/subject.js";

/** What is known about a credential without decrypting it. */
export interface CredentialMetadata {
  id: string;
  providerId: string;
  sessionId: string;
  createdAt: string;
  origins: string[];
  cookieCount: number;
  earliestExpiry: string | null;
  keyId: string;
  /** The capture held no cookie or storage value that was new or changed since the login page loaded. */
  suspect?: boolean;
  suspectReason?: string;
}

export interface StoredCredential {
  metadata: CredentialMetadata;
  owner: Subject;
  record: EncryptedRecord;
}

/** Where encrypted credentials live. Implementations hold ciphertext and the metadata above, nothing else. */
export interface CredentialStore {
  put(credential: StoredCredential): Promise<void>;
  get(id: string): Promise<StoredCredential | undefined>;
  listByOwner(owner: Subject): Promise<CredentialMetadata[]>;
  delete(id: string): Promise<boolean>;
  /** Every credential id, for key rotation. */
  allIds(): AsyncIterable<string>;
  /** Replace the ciphertext of a credential (key rotation); false when it is gone. */
  replaceRecord(id: string, record: EncryptedRecord): Promise<boolean>;
}
