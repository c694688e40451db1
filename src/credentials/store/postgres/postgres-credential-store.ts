import type pg from "pg";
import { z } from "zod";
import { ownerKey, subjectSchema } from "../../../core/subject.ts";
import { payloadRecordSchema, wrappedKeySchema } from "../../../crypto/sealed-credential.ts";
import { credentialMetadataSchema } from "../../credential-metadata-schema.ts";
import type { CredentialMetadata, CredentialStore, KeyUsage, StoredCredential } from "../../credential-store.ts";

/** The credentials table's migrations (0001_credentials.sql). */
export const CREDENTIAL_MIGRATIONS = new URL("./migrations/", import.meta.url);

/** Ids handed out per query by allIds: rotation walks the table in pages, not in one result. */
const ID_PAGE = 500;

interface Row {
  metadata: unknown;
  owner: unknown;
  record: unknown;
  wrapped_key: unknown;
}

const keyUsageRowSchema = z.object({
  key_id: z.string(),
  format: z.union([z.literal(1), z.literal(2)]),
  count: z.coerce.number(),
});

/** The metadata with the key id its wrapped key names: rotation rewraps without rewriting `metadata`. */
function readMetadata(metadata: unknown, wrappedKey: unknown): CredentialMetadata {
  const parsed = credentialMetadataSchema.parse(metadata);
  return wrappedKey ? { ...parsed, keyId: wrappedKeySchema.parse(wrappedKey).kid } : parsed;
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/**
 * Credentials as rows of one table (migrations/0001_credentials.sql): the same JSON the
 * Redis store keeps, in jsonb columns, validated when read back. Deleting the row destroys its
 * wrapped data key with it; see docs/postgres.md for what that means for backups.
 */
export function createPostgresCredentialStore(pool: pg.Pool): CredentialStore {
  async function get(id: string): Promise<StoredCredential | undefined> {
    const { rows } = await pool.query<Row>(
      "SELECT metadata, owner, record, wrapped_key FROM credentials WHERE id = $1",
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    const base = { metadata: readMetadata(row.metadata, row.wrapped_key), owner: subjectSchema.parse(row.owner) };
    const record = payloadRecordSchema.parse(row.record);
    if (record.v === 1) return { ...base, record };
    if (!row.wrapped_key) return undefined; // its data key was destroyed: nothing can read this payload any more
    return { ...base, record, wrappedKey: wrappedKeySchema.parse(row.wrapped_key) };
  }

  return {
    async put({ metadata, owner, record, wrappedKey }) {
      await pool.query(
        `INSERT INTO credentials (id, owner_key, owner, metadata, record, wrapped_key) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET owner_key = $2, owner = $3, metadata = $4, record = $5, wrapped_key = $6`,
        [metadata.id, ownerKey(owner), json(owner), json(metadata), json(record), json(wrappedKey)],
      );
    },
    get,
    async listByOwner(owner) {
      const { rows } = await pool.query<Row>(
        `SELECT metadata, wrapped_key FROM credentials WHERE owner_key = $1 ORDER BY (metadata->>'createdAt') COLLATE "C" DESC, id`,
        [ownerKey(owner)],
      );
      return rows.map((row) => readMetadata(row.metadata, row.wrapped_key));
    },
    async delete(id) {
      // One statement: the wrapped key goes with the payload, atomically.
      const { rowCount } = await pool.query("DELETE FROM credentials WHERE id = $1", [id]);
      return rowCount === 1;
    },
    async *allIds() {
      let after = "";
      for (;;) {
        const { rows } = await pool.query<{ id: string }>(
          `SELECT id FROM credentials WHERE id > $1 ORDER BY id COLLATE "C" LIMIT $2`,
          [after, ID_PAGE],
        );
        for (const row of rows) yield row.id;
        if (rows.length < ID_PAGE) return;
        after = rows.at(-1)!.id;
      }
    },
    async replaceSealed(id, expected, next) {
      // The swap: one UPDATE that writes only while the row still holds what was read (compared as
      // values: `@>` on jsonb ignores the order fields were serialized in).
      const { rowCount } = await pool.query(
        `UPDATE credentials SET record = $2, wrapped_key = $3
         WHERE id = $1 AND record @> $4 AND (wrapped_key @> $5 OR ($5::jsonb IS NULL AND wrapped_key IS NULL))`,
        [id, json(next.record), json(next.wrappedKey), json(expected.record), json(expected.wrappedKey)],
      );
      if (rowCount === 1) return "replaced";
      const { rowCount: found } = await pool.query("SELECT 1 FROM credentials WHERE id = $1", [id]);
      return found ? "changed" : "missing";
    },
    async update(id, expectedRevision, { metadata, sealed }) {
      const { rowCount } = await pool.query(
        `UPDATE credentials SET metadata = $3, record = coalesce($4, record), wrapped_key = coalesce($5, wrapped_key)
         WHERE id = $1 AND coalesce((metadata->>'revision')::int, 0) = $2`,
        [id, expectedRevision, json(metadata), json(sealed?.record), json(sealed?.wrappedKey)],
      );
      if (rowCount === 1) return "replaced";
      const { rowCount: found } = await pool.query("SELECT 1 FROM credentials WHERE id = $1", [id]);
      return found ? "changed" : "missing";
    },
    async keyUsage(): Promise<KeyUsage[]> {
      // Format-1 records carry their key id in the record; a format-2 payload without its data key is protected by nothing.
      const { rows } = await pool.query(
        `SELECT coalesce(wrapped_key->>'kid', record->>'kid') AS key_id, CASE WHEN wrapped_key IS NULL THEN 1 ELSE 2 END AS format, count(*) AS count
         FROM credentials WHERE wrapped_key IS NOT NULL OR record->>'v' = '1'
         GROUP BY 1, 2`,
      );
      return rows
        .map((row) => {
          const { key_id, format, count } = keyUsageRowSchema.parse(row);
          return { keyId: key_id, format, count };
        })
        .sort((a, b) => a.keyId.localeCompare(b.keyId) || a.format - b.format);
    },
  };
}
