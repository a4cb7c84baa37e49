import { afterEach, describe, expect, inject, it } from "vitest";
import { openDatabase, type Database } from "~/db.server";
import { migrate, readMigrations } from "~/db/migrate.server";
import { TEST_DB, pgUrlFor, runPrefix, withPgAdmin } from "../helpers/test-db";

const opened: Database[] = [];
const extraDatabases: string[] = [];

async function freshDatabase(): Promise<Database> {
  if (TEST_DB === "postgres") {
    const name = `${runPrefix(inject("testRunId"))}_migrate_${process.pid}_${opened.length}`;
    await withPgAdmin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${name}`);
    });
    extraDatabases.push(name);
    const db = openDatabase({ url: pgUrlFor(name) });
    opened.push(db);
    return db;
  }
  const db = openDatabase({ dataDir: "memory://" });
  opened.push(db);
  return db;
}

afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
  for (const name of extraDatabases.splice(0)) await withPgAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
});

describe("migration runner", () => {
  it("applies every committed migration once, with Prisma's bookkeeping, and then nothing", async () => {
    const db = await freshDatabase();
    const all = readMigrations().map((m) => m.name);
    expect(await migrate(db.sql)).toEqual(all);
    expect(await migrate(db.sql)).toEqual([]);
    const rows = await db.sql.query<{ migration_name: string; checksum: string }>(`SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(all);
    expect(rows.map((r) => r.checksum)).toEqual(readMigrations().map((m) => m.checksum));
  });

  it("creates the pg_trgm extension and the full-text indexes on both databases", async () => {
    const db = await freshDatabase();
    await migrate(db.sql);
    const [{ similarity }] = await db.sql.query<{ similarity: number }>(`SELECT similarity('szampon', 'szampony') AS similarity`);
    expect(similarity).toBeGreaterThan(0.5);
    const indexes = await db.sql.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'Clue'`);
    expect(indexes.map((i) => i.indexname)).toEqual(expect.arrayContaining(["Clue_searchVector_idx", "Clue_value_trgm_idx"]));
  });

  it("refuses to run over a migration that was edited after it was applied", async () => {
    const db = await freshDatabase();
    const migrations = readMigrations();
    await migrate(db.sql, migrations);
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
    await expect(migrate(db.sql, edited)).rejects.toThrow(/edited after it was applied/);
  });

  it("rolls back a failing migration whole, leaving no bookkeeping row", async () => {
    const db = await freshDatabase();
    const broken = [...readMigrations(), { name: "99999999999999_broken", sql: `CREATE TABLE "Half" (id int); SELECT * FROM "NoSuchTable";`, checksum: "f".repeat(64) }];
    await expect(migrate(db.sql, broken)).rejects.toThrow(/99999999999999_broken failed/);
    const half = await db.sql.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'`);
    expect(half).toEqual([]);
    const rows = await db.sql.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '99999999999999_broken'`);
    expect(rows).toEqual([]);
  });
});
