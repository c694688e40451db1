import pg from "pg";

/** Every row of every table in the public schema, as text: to search for secrets that must not be there. */
export async function dumpPostgres(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
    );
    const parts: string[] = [];
    for (const { name } of tables) {
      const { rows } = await client.query(`SELECT * FROM ${client.escapeIdentifier(name)}`);
      parts.push(`${name} ${JSON.stringify(rows)}`);
    }
    return parts.join("\n");
  } finally {
    await client.end();
  }
}
