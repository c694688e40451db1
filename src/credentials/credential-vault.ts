import { randomUUID } from "node:crypto";
import type { CredentialCipher } from "../crypto/cipher.js";
import type { EventLog } from "../events/event-log.js";
import type { CredentialAccess, CredentialAudit } from "./credential-audit.js";
import { ownerKey, sameOwner, type Subject } from "../sessions/subject.js";
import { capturedStateSchema, summarizeState, type CapturedState } from "./captured-state.js";
import type { CredentialMetadata, CredentialStore } from "./credential-store.js";

/** Binds a ciphertext to its credential, owner and provider (AES-GCM additional authenticated data). */
function contextOf(id: string, owner: Subject, providerId: string): string {
  return `blc/v1|${id}|${ownerKey(owner)}|${providerId}`;
}

/**
 * What rotating one credential did: its data key "rewrapped" under the current key, a format-1
 * record "upgraded" to an envelope, already "current", "missing" (deleted, stays deleted), or
 * "changed" (someone else kept changing it; left as they wrote it).
 */
export type RotationOutcome = "rewrapped" | "upgraded" | "current" | "missing" | "changed";

/** Encrypts captured states into the credential store and decrypts them for their owner. */
export interface CredentialVault {
  /** `suspectReason`: why the capture may not hold a login (it is then marked suspect in the metadata). */
  seal(input: { state: CapturedState; owner: Subject; providerId: string; sessionId: string; suspectReason?: string }): Promise<CredentialMetadata>;
  /** undefined when the credential does not exist or belongs to someone else. */
  /**
   * undefined when the credential does not exist or belongs to someone else. Every decrypt says why
   * (`access`), and is written to the audit trail before the plaintext is returned.
   */
  open(id: string, owner: Subject, access: CredentialAccess): Promise<{ metadata: CredentialMetadata; state: CapturedState } | undefined>;
  /** Puts one credential under the current key-encryption key, atomically (compare-and-swap). */
  rotate(id: string): Promise<RotationOutcome>;
  list(owner: Subject): Promise<CredentialMetadata[]>;
  /** Destroys the credential, its data key first. false when it does not exist or belongs to someone else. */
  delete(id: string, owner?: Subject): Promise<boolean>;
}

/** Rotation reads again when a concurrent writer won the swap; a few rounds settle any real race. */
const ROTATION_ATTEMPTS = 3;

export interface VaultOptions {
  /** Where credential.created and credential.deleted are logged (metadata only). */
  events?: Pick<EventLog, "appendCredentialEvent">;
  /** Where every decrypt is recorded; without it (tools, tests) decrypts are not audited. */
  audit?: CredentialAudit;
}

export function createCredentialVault(store: CredentialStore, cipher: CredentialCipher, { events, audit }: VaultOptions = {}): CredentialVault {
  return {
    async seal({ state, owner, providerId, sessionId, suspectReason }) {
      const id = `cred_${randomUUID()}`;
      const sealed = cipher.seal(Buffer.from(JSON.stringify(state), "utf8"), contextOf(id, owner, providerId));
      const metadata: CredentialMetadata = {
        id,
        providerId,
        sessionId,
        createdAt: new Date().toISOString(),
        ...summarizeState(state),
        keyId: sealed.wrappedKey.kid,
        ...(suspectReason ? { suspect: true, suspectReason } : {}),
      };
      await store.put({ metadata, owner, ...sealed });
      await events?.appendCredentialEvent("credential.created", owner, metadata);
      return metadata;
    },
    async open(id, owner, access) {
      const stored = await store.get(id);
      if (!stored || !sameOwner(stored.owner, owner)) return undefined;
      const plaintext = cipher.open(stored, contextOf(id, stored.owner, stored.metadata.providerId));
      await audit?.record(id, { at: new Date().toISOString(), subject: owner, ...access });
      return { metadata: stored.metadata, state: capturedStateSchema.parse(JSON.parse(plaintext.toString("utf8"))) };
    },
    async rotate(id) {
      for (let attempt = 0; attempt < ROTATION_ATTEMPTS; attempt++) {
        const stored = await store.get(id);
        if (!stored) return "missing";
        const next = cipher.rewrap(stored, contextOf(id, stored.owner, stored.metadata.providerId));
        if (!next) return "current";
        const outcome = await store.replaceSealed(id, stored, next);
        if (outcome === "replaced") return stored.wrappedKey ? "rewrapped" : "upgraded";
        if (outcome === "missing") return "missing";
      }
      return "changed";
    },
    list: (owner) => store.listByOwner(owner),
    async delete(id, owner) {
      // Read for the event's metadata; a record that no longer parses is still deleted when no owner is checked.
      const stored = await store.get(id).catch((error) => {
        if (owner) throw error;
        return undefined;
      });
      if (owner && (!stored || !sameOwner(stored.owner, owner))) return false;
      const deleted = await store.delete(id);
      if (deleted && stored) await events?.appendCredentialEvent("credential.deleted", stored.owner, stored.metadata);
      return deleted;
    },
  };
}
