import { randomUUID } from "node:crypto";
import type { CredentialCipher } from "../crypto/cipher.js";
import { ownerKey, sameOwner, type Subject } from "../sessions/subject.js";
import { capturedStateSchema, summarizeState, type CapturedState } from "./captured-state.js";
import type { CredentialMetadata, CredentialStore } from "./credential-store.js";

/** Binds a ciphertext to its credential, owner and provider (AES-GCM additional authenticated data). */
function contextOf(id: string, owner: Subject, providerId: string): string {
  return `blc/v1|${id}|${ownerKey(owner)}|${providerId}`;
}

/** Encrypts captured states into the credential store and decrypts them for their owner. */
export interface CredentialVault {
  /** `suspectReason`: why the capture may not hold a login (it is then marked suspect in the metadata). */
  seal(input: { state: CapturedState; owner: Subject; providerId: string; sessionId: string; suspectReason?: string }): Promise<CredentialMetadata>;
  /** undefined when the credential does not exist or belongs to someone else. */
  open(id: string, owner: Subject): Promise<{ metadata: CredentialMetadata; state: CapturedState } | undefined>;
  /** Re-encrypts one credential under the current key; returns whether it changed. */
  reencrypt(id: string): Promise<boolean>;
  list(owner: Subject): Promise<CredentialMetadata[]>;
  /** false when it does not exist or belongs to someone else. */
  delete(id: string, owner?: Subject): Promise<boolean>;
}

export function createCredentialVault(store: CredentialStore, cipher: CredentialCipher): CredentialVault {
  return {
    async seal({ state, owner, providerId, sessionId, suspectReason }) {
      const id = `cred_${randomUUID()}`;
      const record = cipher.encrypt(Buffer.from(JSON.stringify(state), "utf8"), contextOf(id, owner, providerId));
      const metadata: CredentialMetadata = {
        id,
        providerId,
        sessionId,
        createdAt: new Date().toISOString(),
        ...summarizeState(state),
        keyId: record.kid,
        ...(suspectReason ? { suspect: true, suspectReason } : {}),
      };
      await store.put({ metadata, owner, record });
      return metadata;
    },
    async open(id, owner) {
      const stored = await store.get(id);
      if (!stored || !sameOwner(stored.owner, owner)) return undefined;
      const plaintext = cipher.decrypt(stored.record, contextOf(id, stored.owner, stored.metadata.providerId));
      return { metadata: stored.metadata, state: capturedStateSchema.parse(JSON.parse(plaintext.toString("utf8"))) };
    },
    async reencrypt(id) {
      const stored = await store.get(id);
      if (!stored || stored.record.kid === cipher.currentKeyId) return false;
      const context = contextOf(id, stored.owner, stored.metadata.providerId);
      const record = cipher.encrypt(cipher.decrypt(stored.record, context), context);
      return store.replaceRecord(id, record);
    },
    list: (owner) => store.listByOwner(owner),
    async delete(id, owner) {
      if (owner) {
        const stored = await store.get(id);
        if (!stored || !sameOwner(stored.owner, owner)) return false;
      }
      return store.delete(id);
    },
  };
}
