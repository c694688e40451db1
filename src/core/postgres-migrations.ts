import { readdirSync, readFileSync } from "node:fs";
import type pg from "pg";

/** Any constant both processes agree on: the advisory lock that serializes concurrent start-ups. */
const LOCK_ID = 0x626c63; // "blc"

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The numbered SQL files (`0001_credentials.sql`, ...) of these folders, in the order of their numbers:
 * each feature that keeps a table keeps its migrations beside its store, numbered in one sequence.
 */
export function loadMigrations(...directories: URL[]): Migration[] {
  return directories
    .flatMap((directory) =>
      readdirSync(directory)
        .filter((file) => /^\d+_.+\.sql$/.test(file))
        .map((file) => ({
          version: Number.parseInt(file, 10),
          name: file,
          sql: readFileSync(new URL(file, directory), "utf8"),
        })),
    )
    .sort((a, b) => a.version - b.version);
}

/**
 * Applies the migrations not yet recorded in schema_migrations, in one transaction under an advisory
 * lock: processes starting together wait for the first, then find nothing left to do. Returns the
 * names it applied.
 */
export async function migrate(pool: pg.Pool, migrations: Migration[]): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [LOCK_ID]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
    const applied = new Set(rows.map((r) => r.version));
    const pending = migrations.filter((m) => !applied.has(m.version));
    for (const migration of pending) {
      await client.query(migration.sql);
      await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
    }
    await client.query("COMMIT");
    return pending.map((m) => m.name);
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
