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

describe("migration *_history_visibility", () => {
  it("records who could see each existing clue version and comment from what the rows already hold", async () => {
    const db = await freshDatabase();
    const migrations = readMigrations();
    const at = migrations.findIndex((m) => m.name.endsWith("_history_visibility"));
    await migrate(db.sql, migrations.slice(0, at));
    const change = (to: unknown) => ({ from: null, to });
    await db.sql.exec(`
      INSERT INTO "Taskforce" ("id", "name") VALUES ('tf', 'Legacy');
      INSERT INTO "Case" ("id", "taskforceId", "reference", "title", "createdById", "updatedAt") VALUES ('case', 'tf', 'VID-LEGACY', 'Legacy', 'u1', now());
      INSERT INTO "Clue" ("id", "caseId", "taskforceId", "authorId", "authorAgency", "categoryKey", "value", "handlingCode", "reviewState", "version", "updatedAt")
        VALUES ('reviewed', 'case', 'tf', 'u1', 'A', 'architecture_fixture', 'Sanitised', 'GREEN', 'REQUESTED', 3, now()),
               ('red', 'case', 'tf', 'u1', 'A', 'architecture_fixture', 'Named', 'RED', 'NONE', 2, now());
      INSERT INTO "ClueVersion" ("id", "clueId", "version", "editorId", "changes") VALUES
        ('r1', 'reviewed', 1, 'u1', '${JSON.stringify({ value: change("Secret"), handlingCode: change("AMBER"), recipientIds: change([]) })}'),
        ('r2', 'reviewed', 2, 'u1', '${JSON.stringify({ value: { from: "Secret", to: "Sanitised" }, handlingCode: { from: "AMBER", to: "GREEN" } })}'),
        ('r3', 'reviewed', 3, 'u1', '${JSON.stringify({ detail: { from: "", to: "More" } })}'),
        ('d1', 'red', 1, 'u1', '${JSON.stringify({ value: change("Named"), handlingCode: change("RED"), recipientIds: change(["u2"]) })}'),
        ('d2', 'red', 2, 'u1', '${JSON.stringify({ recipientIds: { from: ["u2"], to: ["u3"] } })}');
      INSERT INTO "Comment" ("id", "itemType", "itemId", "caseId", "taskforceId", "authorId", "body", "updatedAt") VALUES
        ('announced', 'CLUE', 'reviewed', 'case', 'tf', 'u2', 'Under AMBER', now()),
        ('silent', 'CLUE', 'reviewed', 'case', 'tf', 'u2', 'No event', now());
      INSERT INTO "RoomEvent" ("taskforceId", "seq", "type", "itemType", "itemId", "visibility", "payload") VALUES
        ('tf', 1, 'comment.created', 'COMMENT', 'announced',
         '${JSON.stringify({ taskforceId: "tf", handlingCode: "AMBER", authorId: "u1", authorAgency: "A", recipientIds: [], reviewState: "NONE" })}', '{}');
    `);
    await migrate(db.sql, migrations);

    const versions = await db.sql.query<{ id: string; handlingCode: string; recipientIds: string[]; reviewState: string }>(
      `SELECT "id", "handlingCode"::text AS "handlingCode", "recipientIds", "reviewState"::text AS "reviewState" FROM "ClueVersion" ORDER BY "id"`,
    );
    expect(versions).toEqual([
      { id: "d1", handlingCode: "RED", recipientIds: ["u2"], reviewState: "NONE" },
      { id: "d2", handlingCode: "RED", recipientIds: ["u3"], reviewState: "NONE" },
      { id: "r1", handlingCode: "AMBER", recipientIds: [], reviewState: "NONE" },
      { id: "r2", handlingCode: "GREEN", recipientIds: [], reviewState: "NONE" },
      { id: "r3", handlingCode: "GREEN", recipientIds: [], reviewState: "REQUESTED" },
    ]);
    const comments = await db.sql.query<{ id: string; visibility: Record<string, unknown> }>(`SELECT "id", "visibility" FROM "Comment" ORDER BY "id"`);
    expect(comments).toEqual([
      { id: "announced", visibility: { taskforceId: "tf", handlingCode: "AMBER", authorId: "u1", authorAgency: "A", recipientIds: [], reviewState: "NONE" } },
      // No event to learn from: kept to the comment's author.
      { id: "silent", visibility: { taskforceId: "tf", handlingCode: "RED", authorId: "u2", authorAgency: "", recipientIds: [], reviewState: "NONE" } },
    ]);
  });
});
