import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CredentialCipher } from "../../src/crypto/cipher.ts";
import { createEnvelopeCipher } from "../../src/crypto/envelope-cipher.ts";
import { createKeyRing } from "../../src/crypto/key-ring.ts";
import { parseKeyRing } from "../../src/crypto/key-source.ts";
import type { OAuth2ClientConfigs } from "../../src/oauth2/client-configs/oauth2-client-configs.ts";

/** One fresh, empty place for clients, and what a test needs to look at it from outside the contract. */
export interface ClientStorage {
  /** The clients kept here, read and written with this cipher (several ciphers share one storage). */
  configs(cipher: CredentialCipher): OAuth2ClientConfigs;
  /** Everything the server holds, as text: to search for secrets that must not be there. */
  dump(): Promise<string>;
  /** Copies the sealed secret of one client over another's, as someone with write access to the store could. */
  copySealedSecret(
    from: { orgId: string; providerId: string },
    to: { orgId: string; providerId: string },
  ): Promise<void>;
}

export interface ClientStorageFixture {
  create(): Promise<ClientStorage>;
  close(): Promise<void>;
}

const spec = (kid: string) => `${kid}:${randomBytes(32).toString("base64")}`;
const cipherOf = (ring: string) => createEnvelopeCipher(createKeyRing(parseKeyRing(ring)));
const secretOf = (name: string) => `${name}-secret-${randomBytes(12).toString("hex")}`;

/** The contract of src/oauth2/client-configs/oauth2-client-configs.ts, run against every implementation. */
export function describeOAuth2ClientConfigs(name: string, startFixture: () => Promise<ClientStorageFixture>) {
  describe(`OAuth2 client configs conformance: ${name}`, () => {
    let fixture: ClientStorageFixture;
    beforeAll(async () => {
      fixture = await startFixture();
    });
    afterAll(async () => {
      await fixture?.close();
    });
    const k1 = spec("k1");
    const k2 = spec("k2");

    it("gives back the client put, with its secret only when opened; set again without one, it keeps none; deleted, it is gone", async () => {
      const clients = (await fixture.create()).configs(cipherOf(k1));
      const clientSecret = secretOf("acme");
      const shown = await clients.put("acme corp", "github", { clientId: "acme-client", clientSecret });
      expect(shown).toEqual({
        providerId: "github",
        clientId: "acme-client",
        hasClientSecret: true,
        updatedAt: expect.any(String),
      });
      expect(await clients.get("acme corp", "github")).toEqual(shown);
      expect(await clients.open("acme corp", "github")).toEqual({ clientId: "acme-client", clientSecret });
      // Per org and per provider.
      expect(await clients.get("acme corp", "gitlab")).toBeUndefined();
      expect(await clients.get("acme", "github")).toBeUndefined();
      expect(await clients.open("other", "github")).toBeUndefined();

      const public_ = await clients.put("acme corp", "github", { clientId: "acme-public" });
      expect(public_).toMatchObject({ clientId: "acme-public", hasClientSecret: false });
      expect(await clients.open("acme corp", "github")).toEqual({ clientId: "acme-public" });

      expect(await clients.delete("acme corp", "github")).toBe(true);
      expect(await clients.get("acme corp", "github")).toBeUndefined();
      expect(await clients.open("acme corp", "github")).toBeUndefined();
      expect(await clients.delete("acme corp", "github")).toBe(false);
    });

    it("keeps the secret write-only: never in the stored data in clear, never in what get answers", async () => {
      const storage = await fixture.create();
      const clients = storage.configs(cipherOf(k1));
      const clientSecret = secretOf("written");
      await clients.put("acme", "github", { clientId: "acme-client", clientSecret });
      const stored = await storage.dump();
      // The dump is real: the client itself is in it.
      expect(stored).toContain("acme-client");
      expect(stored).not.toContain(clientSecret);
      expect(stored).not.toContain(Buffer.from(clientSecret).toString("base64"));
      expect(JSON.stringify(await clients.get("acme", "github"))).not.toContain(clientSecret);
    });

    it("binds a sealed secret to its org and provider: copied to another, it does not open", async () => {
      const storage = await fixture.create();
      const clients = storage.configs(cipherOf(k1));
      const acmeSecret = secretOf("acme");
      await clients.put("acme", "github", { clientId: "acme-client", clientSecret: acmeSecret });
      await clients.put("mallory", "github", { clientId: "mallory-client", clientSecret: secretOf("mallory") });
      await clients.put("acme", "gitlab", { clientId: "acme-gitlab", clientSecret: secretOf("gitlab") });

      await storage.copySealedSecret(
        { orgId: "acme", providerId: "github" },
        { orgId: "mallory", providerId: "github" },
      );
      await expect(clients.open("mallory", "github")).rejects.toThrow();
      await storage.copySealedSecret({ orgId: "acme", providerId: "github" }, { orgId: "acme", providerId: "gitlab" });
      await expect(clients.open("acme", "gitlab")).rejects.toThrow();
      expect(await clients.open("acme", "github")).toEqual({ clientId: "acme-client", clientSecret: acmeSecret });
    });

    it("rotation moves every client secret to the current key, once, and forgets deleted clients", async () => {
      const storage = await fixture.create();
      const before = storage.configs(cipherOf(k1));
      const acmeSecret = secretOf("acme");
      const otherSecret = secretOf("other");
      await before.put("acme corp", "github", { clientId: "acme-client", clientSecret: acmeSecret });
      await before.put("other", "github", { clientId: "other-client", clientSecret: otherSecret });
      await before.put("public", "github", { clientId: "public-client" });
      expect(await before.secretKeyIds()).toEqual(
        new Map([
          ["acme%20corp/github", "k1"],
          ["other/github", "k1"],
        ]),
      );

      const during = storage.configs(cipherOf(`${k2},${k1}`));
      expect(await during.rotateSecrets()).toEqual({ rewrapped: 2, current: 0, failed: [] });
      expect(await during.rotateSecrets()).toEqual({ rewrapped: 0, current: 2, failed: [] });
      expect(await during.secretKeyIds()).toEqual(
        new Map([
          ["acme%20corp/github", "k2"],
          ["other/github", "k2"],
        ]),
      );
      // The old key can go: the new one alone opens every secret.
      const after = storage.configs(cipherOf(k2));
      expect(await after.open("acme corp", "github")).toEqual({ clientId: "acme-client", clientSecret: acmeSecret });
      expect(await after.open("other", "github")).toEqual({ clientId: "other-client", clientSecret: otherSecret });
      expect(await after.open("public", "github")).toEqual({ clientId: "public-client" });

      // A deleted client leaves rotation's list; nothing is written back for it.
      expect(await after.delete("acme corp", "github")).toBe(true);
      expect(await after.rotateSecrets()).toEqual({ rewrapped: 0, current: 1, failed: [] });
      expect(await after.secretKeyIds()).toEqual(new Map([["other/github", "k2"]]));
      expect(await after.get("acme corp", "github")).toBeUndefined();
    });

    it("names a secret rotation cannot read (its key not configured) and still rotates the others", async () => {
      const storage = await fixture.create();
      await storage
        .configs(cipherOf(spec("gone")))
        .put("lost", "github", { clientId: "lost-client", clientSecret: secretOf("lost") });
      await storage
        .configs(cipherOf(k1))
        .put("acme", "github", { clientId: "acme-client", clientSecret: secretOf("acme") });
      const ring = storage.configs(cipherOf(`${k2},${k1}`));
      expect(await ring.rotateSecrets()).toEqual({ rewrapped: 1, current: 0, failed: ["lost/github"] });
      expect(await ring.secretKeyIds()).toEqual(
        new Map([
          ["acme/github", "k2"],
          ["lost/github", "gone"],
        ]),
      );
    });
  });
}
