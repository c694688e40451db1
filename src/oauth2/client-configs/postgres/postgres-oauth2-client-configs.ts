import type pg from "pg";
import { z } from "zod";
import type { CredentialCipher } from "../../../crypto/cipher.ts";
import { type EnvelopeSealed, envelopeRecordSchema, wrappedKeySchema } from "../../../crypto/sealed-credential.ts";
import type { SealedFieldRotation } from "../../../crypto/sealed-field-rotation.ts";
import {
  type OAuth2ClientConfigs,
  oauth2ClientRef,
  oauth2ClientSecretContext,
  oauth2ClientView,
  oauth2ClientViewSchema,
} from "../oauth2-client-configs.ts";

const sealedSecretSchema = z.object({ record: envelopeRecordSchema, wrappedKey: wrappedKeySchema });

interface SealedRow {
  org_id: string;
  provider_id: string;
  secret: unknown;
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** The oauth2_clients table's migrations (0002_oauth2_clients.sql), numbered in the credentials' sequence. */
export const OAUTH2_CLIENT_MIGRATIONS = new URL("./migrations/", import.meta.url);

/**
 * Per-organisation OAuth clients as rows of `oauth2_clients` (migrations/0002_oauth2_clients.sql),
 * beside the credentials when CREDENTIAL_STORE=postgres. Rows are validated when read back.
 */
export function createPostgresOAuth2ClientConfigs(pool: pg.Pool, cipher: CredentialCipher): OAuth2ClientConfigs {
  const sealedSecrets = async () =>
    (await pool.query<SealedRow>("SELECT org_id, provider_id, secret FROM oauth2_clients WHERE secret IS NOT NULL"))
      .rows;

  return {
    async put(orgId, providerId, client) {
      const shown = oauth2ClientView(providerId, client);
      const sealed =
        client.clientSecret === undefined
          ? undefined
          : cipher.seal(Buffer.from(client.clientSecret, "utf8"), oauth2ClientSecretContext(orgId, providerId));
      // A client set again without a secret (a public client) keeps no old secret: the row is replaced whole.
      await pool.query(
        `INSERT INTO oauth2_clients (org_id, provider_id, client, secret) VALUES ($1, $2, $3, $4)
         ON CONFLICT (org_id, provider_id) DO UPDATE SET client = $3, secret = $4`,
        [orgId, providerId, json(shown), json(sealed)],
      );
      return shown;
    },
    async get(orgId, providerId) {
      const { rows } = await pool.query("SELECT client FROM oauth2_clients WHERE org_id = $1 AND provider_id = $2", [
        orgId,
        providerId,
      ]);
      return rows[0] ? oauth2ClientViewSchema.parse(rows[0].client) : undefined;
    },
    async open(orgId, providerId) {
      const { rows } = await pool.query(
        "SELECT client, secret FROM oauth2_clients WHERE org_id = $1 AND provider_id = $2",
        [orgId, providerId],
      );
      if (!rows[0]) return undefined;
      const { clientId } = oauth2ClientViewSchema.parse(rows[0].client);
      if (rows[0].secret === null) return { clientId };
      const sealed: EnvelopeSealed = sealedSecretSchema.parse(rows[0].secret);
      return {
        clientId,
        clientSecret: cipher.open(sealed, oauth2ClientSecretContext(orgId, providerId)).toString("utf8"),
      };
    },
    async delete(orgId, providerId) {
      const { rowCount } = await pool.query("DELETE FROM oauth2_clients WHERE org_id = $1 AND provider_id = $2", [
        orgId,
        providerId,
      ]);
      return rowCount === 1;
    },
    async rotateSecrets() {
      const result: SealedFieldRotation = { rewrapped: 0, current: 0, failed: [] };
      for (const row of await sealedSecrets()) {
        const id = oauth2ClientRef(row.org_id, row.provider_id);
        try {
          const sealed = sealedSecretSchema.parse(row.secret);
          const next = cipher.rewrap(sealed, oauth2ClientSecretContext(row.org_id, row.provider_id));
          if (!next) {
            result.current += 1;
            continue;
          }
          // The swap: written only while the row still holds the secret read (jsonb `=` compares values,
          // not the order fields were serialized in); a client set again or deleted meanwhile is left as it is.
          const { rowCount } = await pool.query(
            "UPDATE oauth2_clients SET secret = $3 WHERE org_id = $1 AND provider_id = $2 AND secret = $4::jsonb",
            [row.org_id, row.provider_id, json(next), json(sealed)],
          );
          if (rowCount === 1) result.rewrapped += 1;
          else result.failed.push(id);
        } catch {
          result.failed.push(id);
        }
      }
      return result;
    },
    async secretKeyIds() {
      // Read from the wrapped keys, nothing decrypted.
      return new Map(
        (await sealedSecrets()).map((row) => [
          oauth2ClientRef(row.org_id, row.provider_id),
          sealedSecretSchema.parse(row.secret).wrappedKey.kid,
        ]),
      );
    },
  };
}
