import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Subject } from "../../src/core/subject.ts";
import type { CredentialStore, StoredCredential } from "../../src/credentials/credential-store.ts";
import { createCredentialVault } from "../../src/credentials/credential-vault.ts";
import { rotateAll } from "../../src/credentials/key-rotation.ts";
import { createEnvelopeCipher } from "../../src/crypto/envelope-cipher.ts";
import { createKeyRing } from "../../src/crypto/key-ring.ts";
import { parseKeyRing } from "../../src/crypto/key-source.ts";
import type { EnvelopeSealed } from "../../src/crypto/sealed-credential.ts";

/** A server the suite's stores live on, and a way to get a fresh, empty store on it for each test. */
export interface StoreFixture {
  create(): Promise<CredentialStore>;
  close(): Promise<void>;
}

const spec = (kid: string) => `${kid}:${randomBytes(32).toString("base64")}`;
const cipherOf = (ring: string) => createEnvelopeCipher(createKeyRing(parseKeyRing(ring)));
const alice: Subject = { userId: "alice" };
const aliceAtAcme: Subject = { userId: "alice", orgId: "acme" };
const bob: Subject = { userId: "bob" };

/** A credential as the vault would hand it to the store; the store never decrypts, so any plaintext will do. */
function envelope(id: string, owner: Subject, createdAt: string, kid = "k1"): StoredCredential & EnvelopeSealed {
  const sealed = cipherOf(spec(kid)).seal(Buffer.from(`payload of ${id}`), `ctx|${id}`);
  const metadata = {
    id,
    providerId: "p",
    sessionId: `ls_${id}`,
    createdAt,
    origins: ["https://example.com"],
    cookieCount: 1,
    earliestExpiry: null,
    keyId: kid,
    kind: "browser_login" as const,
    status: "active" as const,
    version: 1,
    revision: 0,
  };
  return { metadata, owner, ...sealed };
}

/** Format 1: the payload encrypted directly under a ring key, no wrapped data key. */
function formatOne(id: string, owner: Subject, kid: string): StoredCredential {
  const box = createKeyRing(parseKeyRing(spec(kid))).encrypt(Buffer.from(`payload of ${id}`), `ctx|${id}`);
  const metadata = {
    id,
    providerId: "p",
    sessionId: `ls_${id}`,
    createdAt: "2026-01-01T00:00:00.000Z",
    origins: [],
    cookieCount: 0,
    earliestExpiry: null,
    keyId: kid,
    kind: "browser_login" as const,
    status: "active" as const,
    version: 1,
    revision: 0,
  };
  return { metadata, owner, record: { v: 1, alg: "A256GCM", ...box } };
}

async function collect(ids: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const id of ids) all.push(id);
  return all.sort();
}

/** The contract of src/credentials/credential-store.ts, run against every implementation. */
export function describeCredentialStore(name: string, startFixture: () => Promise<StoreFixture>) {
  describe(`credential store conformance: ${name}`, () => {
    let fixture: StoreFixture;
    beforeAll(async () => {
      fixture = await startFixture();
    });
    afterAll(async () => {
      await fixture?.close();
    });

    it("gives back what was put, envelope or format 1, and nothing for an unknown id", async () => {
      const store = await fixture.create();
      const a = envelope("cred_a", alice, "2026-01-01T00:00:00.000Z");
      const legacy = formatOne("cred_legacy", alice, "old");
      await store.put(a);
      await store.put(legacy);
      expect(await store.get("cred_a")).toEqual(a);
      expect(await store.get("cred_legacy")).toEqual(legacy);
      expect(await store.get("cred_nope")).toBeUndefined();
    });

    it("lists an owner's credentials newest first, and no one else's (an org member is another subject)", async () => {
      const store = await fixture.create();
      await store.put(envelope("cred_1", alice, "2026-01-01T00:00:01.000Z"));
      await store.put(envelope("cred_3", alice, "2026-01-01T00:00:03.000Z"));
      await store.put(envelope("cred_2", alice, "2026-01-01T00:00:02.000Z"));
      await store.put(envelope("cred_org", aliceAtAcme, "2026-01-01T00:00:04.000Z"));
      const bobs = envelope("cred_bob", bob, "2026-01-01T00:00:05.000Z");
      await store.put(bobs);
      expect((await store.listByOwner(alice)).map((m) => m.id)).toEqual(["cred_3", "cred_2", "cred_1"]);
      expect((await store.listByOwner(aliceAtAcme)).map((m) => m.id)).toEqual(["cred_org"]);
      expect(await store.listByOwner(bob)).toEqual([bobs.metadata]);
      expect(await store.listByOwner({ userId: "carol" })).toEqual([]);
    });

    it("deletes a credential once: gone from get, its owner's list and allIds", async () => {
      const store = await fixture.create();
      await store.put(envelope("cred_keep", alice, "2026-01-01T00:00:01.000Z"));
      await store.put(envelope("cred_drop", alice, "2026-01-01T00:00:02.000Z"));
      expect(await store.delete("cred_drop")).toBe(true);
      expect(await store.delete("cred_drop")).toBe(false);
      expect(await store.get("cred_drop")).toBeUndefined();
      expect((await store.listByOwner(alice)).map((m) => m.id)).toEqual(["cred_keep"]);
      expect(await collect(store.allIds())).toEqual(["cred_keep"]);
    });

    it("swaps a wrapped key only while the credential holds what was read: a stale read is changed, not written", async () => {
      const store = await fixture.create();
      const original = envelope("cred_cas", alice, "2026-01-01T00:00:00.000Z", "old");
      await store.put(original);
      const read = (await store.get("cred_cas"))!;
      // Two rotators' rewraps of the same data key (the store only compares, so random bytes will do).
      const rewrapped = (): EnvelopeSealed => ({
        record: original.record,
        wrappedKey: { ...original.wrappedKey, kid: "new", ct: randomBytes(48).toString("base64") },
      });
      const [theirs, ours] = [rewrapped(), rewrapped()];

      expect(await store.replaceSealed("cred_cas", read, theirs)).toBe("replaced");
      // Read before their write: ours must not overwrite it.
      expect(await store.replaceSealed("cred_cas", read, ours)).toBe("changed");
      const now = (await store.get("cred_cas"))!;
      expect(now.wrappedKey).toEqual(theirs.wrappedKey);
      expect(now.record).toEqual(original.record);
      expect(now.metadata.keyId).toBe("new");
      expect((await store.listByOwner(alice))[0]!.keyId).toBe("new");
    });

    it("upgrades a format-1 record to an envelope by compare-and-swap", async () => {
      const store = await fixture.create();
      const legacy = formatOne("cred_v1", alice, "old");
      await store.put(legacy);
      const next = cipherOf(spec("new")).seal(Buffer.from("re-encrypted"), "ctx|cred_v1");
      expect(await store.replaceSealed("cred_v1", (await store.get("cred_v1"))!, next)).toBe("replaced");
      expect(await store.get("cred_v1")).toMatchObject({
        record: next.record,
        wrappedKey: next.wrappedKey,
        metadata: { keyId: "new" },
      });
      // The old format-1 form is no longer what is stored.
      expect(await store.replaceSealed("cred_v1", legacy, next)).toBe("changed");
    });

    it("a credential deleted between rotation's read and its swap stays deleted", async () => {
      const store = await fixture.create();
      await store.put(envelope("cred_gone", alice, "2026-01-01T00:00:00.000Z", "old"));
      const read = (await store.get("cred_gone"))!;
      expect(await store.delete("cred_gone")).toBe(true);
      const next = cipherOf(spec("new")).seal(Buffer.from("x"), "ctx|cred_gone");
      expect(await store.replaceSealed("cred_gone", read, next)).toBe("missing");
      expect(await store.get("cred_gone")).toBeUndefined();
      expect(await store.listByOwner(alice)).toEqual([]);
      expect(await collect(store.allIds())).toEqual([]);
    });

    it("counts what each key protects, by format, without decrypting", async () => {
      const store = await fixture.create();
      expect(await store.keyUsage()).toEqual([]);
      await store.put(envelope("cred_a", alice, "2026-01-01T00:00:00.000Z", "new"));
      await store.put(envelope("cred_b", bob, "2026-01-01T00:00:00.000Z", "old"));
      await store.put(envelope("cred_c", bob, "2026-01-01T00:00:00.000Z", "old"));
      await store.put(formatOne("cred_d", alice, "old"));
      expect(await store.keyUsage()).toEqual([
        { keyId: "new", format: 2, count: 1 },
        { keyId: "old", format: 1, count: 1 },
        { keyId: "old", format: 2, count: 2 },
      ]);
    });

    it("walks every id, past any page size", async () => {
      const store = await fixture.create();
      const ids = Array.from({ length: 620 }, (_, i) => `cred_${String(i).padStart(4, "0")}`);
      for (let i = 0; i < ids.length; i += 50) {
        await Promise.all(
          ids.slice(i, i + 50).map((id) => store.put(envelope(id, i % 100 ? alice : bob, "2026-01-01T00:00:00.000Z"))),
        );
      }
      expect(await collect(store.allIds())).toEqual(ids);
    });

    it("updates in place only from the revision read: one of two racing writers wins, a delete is not undone", async () => {
      const store = await fixture.create();
      const a = envelope("cred_u", alice, "2026-01-01T00:00:00.000Z");
      await store.put(a);
      const resealed = cipherOf(spec("k1")).seal(Buffer.from("second payload"), "ctx|cred_u");
      const first = { metadata: { ...a.metadata, status: "expired" as const, revision: 1 } };
      const second = { metadata: { ...a.metadata, version: 2, revision: 1 }, sealed: resealed };
      expect(await Promise.all([store.update("cred_u", 0, first), store.update("cred_u", 0, second)])).toEqual(
        expect.arrayContaining(["replaced", "changed"]),
      );
      const after = await store.get("cred_u");
      expect(after?.metadata.revision).toBe(1);
      expect(after?.record).toEqual(after?.metadata.version === 2 ? resealed.record : a.record);
      expect(await store.update("cred_u", 0, first)).toBe("changed");
      expect(await store.update("cred_u", 1, { metadata: { ...a.metadata, revision: 2 }, sealed: resealed })).toBe(
        "replaced",
      );
      expect((await store.get("cred_u"))?.wrappedKey).toEqual(resealed.wrappedKey);
      expect(await store.delete("cred_u")).toBe(true);
      expect(await store.update("cred_u", 2, first)).toBe("missing");
      expect(await store.get("cred_u")).toBeUndefined();
    });

    it("carries the vault's replace in place: same id, next version, old secret readable until the swap, then the new one", async () => {
      const store = await fixture.create();
      const vault = createCredentialVault(store, cipherOf(spec("k1")));
      const state = (value: string) => ({
        cookies: [],
        origins: [{ origin: "https://example.com", localStorage: [{ name: "t", value }], sessionStorage: [] }],
      });
      const sealed = await vault.seal({
        secret: { kind: "browser_login", state: state("v1") },
        owner: alice,
        providerId: "p",
        sessionId: "ls_1",
      });
      expect(sealed).toMatchObject({ kind: "browser_login", status: "active", version: 1 });
      await vault.updateMetadata(sealed.id, () => ({ status: "expired", lastVerifiedAt: "2026-02-01T00:00:00.000Z" }));
      expect(await vault.describe(sealed.id, alice)).toMatchObject({
        status: "expired",
        version: 1,
        lastVerifiedAt: "2026-02-01T00:00:00.000Z",
      });
      expect(
        await vault.replace(sealed.id, { secret: { kind: "browser_login", state: state("v2") }, expectedVersion: 2 }),
      ).toEqual({ outcome: "changed" });
      expect((await vault.open(sealed.id, alice, { purpose: "test" }))?.secret).toEqual({
        kind: "browser_login",
        state: state("v1"),
      });
      const replaced = await vault.replace(
        sealed.id,
        { secret: { kind: "browser_login", state: state("v2") }, expectedVersion: 1 },
        alice,
      );
      expect(replaced).toMatchObject({
        outcome: "replaced",
        metadata: { id: sealed.id, version: 2, status: "active", createdAt: sealed.createdAt },
      });
      expect((await vault.open(sealed.id, alice, { purpose: "test" }))?.secret).toEqual({
        kind: "browser_login",
        state: state("v2"),
      });
      expect(await vault.replace(sealed.id, { secret: { kind: "browser_login", state: state("v3") } }, bob)).toEqual({
        outcome: "missing",
      });
      expect(await vault.list(alice)).toHaveLength(1);
    });

    it("carries the vault: seal, open for the owner only, rotate to a new key, delete", async () => {
      const store = await fixture.create();
      const oldRing = spec("old");
      const state = {
        cookies: [],
        origins: [{ origin: "https://example.com", localStorage: [{ name: "t", value: "v" }], sessionStorage: [] }],
      };
      const sealed = await createCredentialVault(store, cipherOf(oldRing)).seal({
        secret: { kind: "browser_login", state },
        owner: alice,
        providerId: "p",
        sessionId: "ls_1",
      });
      const vault = createCredentialVault(store, cipherOf(`${spec("new")},${oldRing}`));
      expect((await vault.open(sealed.id, alice, { purpose: "test" }))?.secret).toEqual({
        kind: "browser_login",
        state,
      });
      expect(await vault.open(sealed.id, bob, { purpose: "test" })).toBeUndefined();
      expect(await rotateAll(store, vault)).toMatchObject({ total: 1, rewrapped: 1, failed: [] });
      expect((await vault.list(alice))[0]?.keyId).toBe("new");
      expect((await vault.open(sealed.id, alice, { purpose: "test" }))?.secret).toEqual({
        kind: "browser_login",
        state,
      });
      expect(await vault.delete(sealed.id, bob)).toBe(false);
      expect(await vault.delete(sealed.id, alice)).toBe(true);
      expect(await vault.open(sealed.id, alice, { purpose: "test" })).toBeUndefined();
    });
  });
}
