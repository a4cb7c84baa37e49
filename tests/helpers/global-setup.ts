// Once per test run: migrate a base database that every test file copies.
import fs from "node:fs";
import { openDatabase } from "~/db.server";
import { migrate } from "~/db/migrate.server";
import { PGLITE_BASE_DUMP, PG_BASE_DB, TEST_DB, ensureCacheDir, pgUrlFor, withPgAdmin } from "./test-db";

export default async function globalSetup() {
  ensureCacheDir();
  if (TEST_DB === "postgres") {
    await withPgAdmin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${PG_BASE_DB} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${PG_BASE_DB}`);
    });
    const db = openDatabase({ url: pgUrlFor(PG_BASE_DB) });
    await migrate(db.sql);
    await db.close();
    return async () => {
      await withPgAdmin(async (client) => {
        const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'cluebridge_test_%'`);
        for (const row of rows) await client.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
      });
    };
  }
  const db = openDatabase({ dataDir: "memory://" });
  await migrate(db.sql);
  const dump = await db.dump!();
  fs.writeFileSync(PGLITE_BASE_DUMP, Buffer.from(await dump.arrayBuffer()));
  await db.close();
}
