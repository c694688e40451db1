import { randomUUID } from "node:crypto";
import { ownerKey, type Subject, sameOwner } from "../core/subject.ts";
import type { CredentialCipher } from "../crypto/cipher.ts";
import type { CredentialAccess, CredentialAudit } from "./credential-audit.ts";
import type { CredentialEvents } from "./credential-events.ts";
import type { SecondFactorFacts } from "./credential-metadata-schema.ts";
import { type CredentialSecret, parseSecret, serializeSecret, summarizeSecret } from "./credential-secret.ts";
import type { CredentialMetadata, CredentialStore, StoredCredential } from "./credential-store.ts";

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

/** What an update in place did: the new metadata, or why nothing was written. */
export type UpdateResult = { outcome: "replaced"; metadata: CredentialMetadata } | { outcome: "missing" | "changed" };

/**
 * A new secret for a credential, replacing the old one in place (same id, next version). A browser
 * login's TOTP secret is the person's, not the capture's: a new captured state without one keeps the
 * old one (re-login, refreshed cookies); amend() is how it is changed or removed.
 */
export interface Replacement {
  secret: CredentialSecret;
  /** Refuse (outcome "changed") unless the credential is still at this version: a re-login started from version N replaces N only. */
  expectedVersion?: number;
  /** Clear, non-secret facts to set beside it (status defaults to active). */
  details?: Partial<CredentialMetadata>;
  suspectReason?: string;
}

/** Encrypts credential secrets (captured states, token sets, API-key fields) into the store and decrypts them for their owner. */
export interface CredentialVault {
  /**
   * `details`: clear kind-specific metadata (scopes, field names...); never a secret.
   * `suspectReason`: why a capture may not hold a login (it is then marked suspect in the metadata).
   */
  seal(input: {
    secret: CredentialSecret;
    owner: Subject;
    providerId: string;
    sessionId?: string;
    suspectReason?: string;
    details?: Partial<CredentialMetadata>;
  }): Promise<CredentialMetadata>;
  /**
   * undefined when the credential does not exist or belongs to someone else. Every decrypt says why
   * (`access`), and is written to the audit trail before the plaintext is returned.
   */
  open(
    id: string,
    owner: Subject,
    access: CredentialAccess,
  ): Promise<{ metadata: CredentialMetadata; secret: CredentialSecret } | undefined>;
  /** The metadata alone (no decrypt, no audit entry); undefined when missing or someone else's. */
  describe(id: string, owner?: Subject): Promise<CredentialMetadata | undefined>;
  /**
   * Changes clear metadata only (status, lastVerifiedAt, expiresAt...), atomically against every other
   * writer: `change` is applied to the latest metadata, again if another writer won the race.
   */
  updateMetadata(
    id: string,
    change: (current: CredentialMetadata) => Partial<CredentialMetadata>,
    owner?: Subject,
  ): Promise<UpdateResult>;
  /** Seals a new secret in place of the old one: same id, version + 1, a fresh data key; the old one stays readable until then. */
  replace(id: string, replacement: Replacement, owner?: Subject): Promise<UpdateResult>;
  /**
   * Changes a part of the secret that is not what the credential stands for (a browser login's TOTP
   * secret): `change` gets the decrypted secret and returns the new one, sealed in place under a
   * fresh data key with the same version (a re-login started from this version still replaces it).
   * The decrypt is audited as `access` says, though the plaintext never leaves the vault; `undefined`
   * from `change` writes nothing.
   */
  amend(
    id: string,
    change: (secret: CredentialSecret) => CredentialSecret | undefined,
    owner: Subject | undefined,
    access: CredentialAccess,
  ): Promise<UpdateResult | { outcome: "unchanged" }>;
  /** Puts one credential under the current key-encryption key, atomically (compare-and-swap). */
  rotate(id: string): Promise<RotationOutcome>;
  list(owner: Subject): Promise<CredentialMetadata[]>;
  /** Every credential's metadata and owner, decrypting nothing (scheduled checks walk them). */
  all(): AsyncIterable<{ metadata: CredentialMetadata; owner: Subject }>;
  /** Destroys the credential, its data key first. false when it does not exist or belongs to someone else. */
  delete(id: string, owner?: Subject): Promise<boolean>;
}

/** Rotation and updates read again when a concurrent writer won the swap; a few rounds settle any real race. */
const SWAP_ATTEMPTS = 3;

export interface VaultOptions {
  /** Where credential.created and credential.deleted are logged (metadata only). */
  events?: CredentialEvents;
  /** Where every decrypt is recorded; without it (tools, tests) decrypts are not audited. */
  audit?: CredentialAudit;
}

export function createCredentialVault(
  store: CredentialStore,
  cipher: CredentialCipher,
  { events, audit }: VaultOptions = {},
): CredentialVault {
  /** The stored credential when it exists and, if an owner is given, is theirs. */
  async function own(id: string, owner?: Subject) {
    const stored = await store.get(id);
    return stored && (!owner || sameOwner(stored.owner, owner)) ? stored : undefined;
  }

  /** The metadata after a write: the change applied, the id and creation kept, the revision moved on. */
  function next(current: CredentialMetadata, change: Partial<CredentialMetadata>): CredentialMetadata {
    return {
      ...current,
      ...change,
      id: current.id,
      kind: current.kind,
      createdAt: current.createdAt,
      updatedAt: new Date().toISOString(),
      revision: current.revision + 1,
    };
  }

  /**
   * A browser login's new secret with the stored one's TOTP secret, when the new one has none and the
   * stored one has. Reading it is a decrypt, audited as such.
   */
  async function keepSecondFactor(
    secret: CredentialSecret,
    stored: StoredCredential,
    context: string,
  ): Promise<CredentialSecret> {
    if (secret.kind !== "browser_login" || secret.totp || !stored.metadata.secondFactor) return secret;
    const old = parseSecret(stored.metadata.kind, cipher.open(stored, context));
    await audit?.record(stored.metadata.id, {
      at: new Date().toISOString(),
      subject: stored.owner,
      purpose: "totp_secret_kept",
    });
    return old.kind === "browser_login" && old.totp ? { ...secret, totp: old.totp } : secret;
  }

  return {
    async seal({ secret, owner, providerId, sessionId, suspectReason, details }) {
      const id = `cred_${randomUUID()}`;
      const sealed = cipher.seal(serializeSecret(secret), contextOf(id, owner, providerId));
      const now = new Date().toISOString();
      const metadata: CredentialMetadata = {
        ...details,
        id,
        kind: secret.kind,
        providerId,
        ...(sessionId ? { sessionId } : {}),
        createdAt: now,
        updatedAt: now,
        status: "active",
        version: 1,
        revision: 0,
        ...summarizeSecret(secret),
        keyId: sealed.wrappedKey.kid,
        ...(suspectReason ? { suspect: true, suspectReason } : {}),
      };
      metadata.secondFactor = secondFactorFacts(metadata.secondFactor, details?.secondFactor);
      await store.put({ metadata, owner, ...sealed });
      await events?.appendCredentialEvent("credential.created", owner, metadata);
      return metadata;
    },
    async open(id, owner, access) {
      const stored = await store.get(id);
      if (!stored || !sameOwner(stored.owner, owner)) return undefined;
      const plaintext = cipher.open(stored, contextOf(id, stored.owner, stored.metadata.providerId));
      await audit?.record(id, { at: new Date().toISOString(), subject: owner, ...access });
      return { metadata: stored.metadata, secret: parseSecret(stored.metadata.kind, plaintext) };
    },
    describe: async (id, owner) => (await own(id, owner))?.metadata,
    async updateMetadata(id, change, owner) {
      for (let attempt = 0; attempt < SWAP_ATTEMPTS; attempt++) {
        const stored = await own(id, owner);
        if (!stored) return { outcome: "missing" };
        const metadata = next(stored.metadata, change(stored.metadata));
        const outcome = await store.update(id, stored.metadata.revision, { metadata });
        if (outcome === "replaced") return { outcome, metadata };
        if (outcome === "missing") return { outcome };
      }
      return { outcome: "changed" };
    },
    async replace(id, { secret, expectedVersion, details, suspectReason }, owner) {
      for (let attempt = 0; attempt < SWAP_ATTEMPTS; attempt++) {
        const stored = await own(id, owner);
        if (!stored) return { outcome: "missing" };
        if (stored.metadata.kind !== secret.kind)
          throw new Error(`credential ${id} holds ${stored.metadata.kind}, not ${secret.kind}`);
        if (expectedVersion !== undefined && stored.metadata.version !== expectedVersion) return { outcome: "changed" };
        const context = contextOf(id, stored.owner, stored.metadata.providerId);
        const kept = await keepSecondFactor(secret, stored, context);
        const sealed = cipher.seal(serializeSecret(kept), context);
        // A capture's own facts replace the old ones; a suspect mark belongs to the capture that earned it.
        const { suspect: _suspect, suspectReason: _reason, ...previous } = stored.metadata;
        const metadata = next(previous, {
          status: "active",
          ...details,
          ...summarizeSecret(kept),
          version: stored.metadata.version + 1,
          keyId: sealed.wrappedKey.kid,
          ...(suspectReason ? { suspect: true, suspectReason } : {}),
        });
        metadata.secondFactor = secondFactorFacts(
          metadata.secondFactor,
          details?.secondFactor,
          stored.metadata.secondFactor,
        );
        const outcome = await store.update(id, stored.metadata.revision, { metadata, sealed });
        if (outcome === "replaced") return { outcome, metadata };
        if (outcome === "missing") return { outcome };
      }
      return { outcome: "changed" };
    },
    async amend(id, change, owner, access) {
      for (let attempt = 0; attempt < SWAP_ATTEMPTS; attempt++) {
        const stored = await own(id, owner);
        if (!stored) return { outcome: "missing" };
        const context = contextOf(id, stored.owner, stored.metadata.providerId);
        const plaintext = cipher.open(stored, context);
        await audit?.record(id, { at: new Date().toISOString(), subject: owner ?? stored.owner, ...access });
        const changed = change(parseSecret(stored.metadata.kind, plaintext));
        if (!changed) return { outcome: "unchanged" };
        if (changed.kind !== stored.metadata.kind)
          throw new Error(`credential ${id} holds ${stored.metadata.kind}, not ${changed.kind}`);
        const sealed = cipher.seal(serializeSecret(changed), context);
        const metadata = next(stored.metadata, { ...summarizeSecret(changed), keyId: sealed.wrappedKey.kid });
        metadata.secondFactor = secondFactorFacts(metadata.secondFactor, stored.metadata.secondFactor);
        const outcome = await store.update(id, stored.metadata.revision, { metadata, sealed });
        if (outcome === "replaced") return { outcome, metadata };
        if (outcome === "missing") return { outcome };
      }
      return { outcome: "changed" };
    },
    async rotate(id) {
      for (let attempt = 0; attempt < SWAP_ATTEMPTS; attempt++) {
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
    async *all() {
      for await (const id of store.allIds()) {
        // One record that no longer parses must not stop the walk over the others.
        const stored = await store.get(id).catch(() => undefined);
        if (stored) yield { metadata: stored.metadata, owner: stored.owner };
      }
    },
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

/**
 * The clear facts of the TOTP secret a credential holds now (`current`, from its secret), with what
 * was learnt of that same secret before (last used, turned down): facts of another secret (an older
 * one the person replaced) are dropped.
 */
function secondFactorFacts(
  current: SecondFactorFacts | undefined,
  ...earlier: (SecondFactorFacts | undefined)[]
): SecondFactorFacts | undefined {
  if (!current) return undefined;
  const same = earlier.filter((facts) => facts?.setAt === current.setAt);
  return Object.assign({}, ...same.reverse(), current);
}
