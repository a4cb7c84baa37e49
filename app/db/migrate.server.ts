// Applies the committed Prisma migrations (prisma/migrations/*/migration.sql) in order, keeping Prisma's own
// `_prisma_migrations` bookkeeping so `prisma migrate status` agrees. One runner for PGlite and for a server:
// Prisma's JS engine cannot deploy to a server (prisma/orm#27403), see docs/decisions/001.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { SqlRunner } from "../db.server";

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// The same advisory lock key Prisma Migrate uses, so two app processes starting together take turns.
const MIGRATE_LOCK_KEY = 72707369;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = path.join(process.cwd(), "prisma", "migrations")): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Applies every pending migration; returns the names applied. Refuses to run over a failed or edited one. */
export async function migrate(sql: SqlRunner, migrations = readMigrations()): Promise<string[]> {
  await sql.query("SELECT pg_advisory_lock($1)", [MIGRATE_LOCK_KEY]);
  try {
    await sql.exec(MIGRATIONS_TABLE);
    const rows = await sql.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const applied = new Map(rows.filter((r) => !r.rolled_back_at).map((r) => [r.migration_name, r]));
    const done: string[] = [];
    for (const migration of migrations) {
      const row = applied.get(migration.name);
      if (row) {
        if (!row.finished_at) throw new Error(`Migration ${migration.name} failed earlier; resolve it by hand before continuing.`);
        if (row.checksum !== migration.checksum) {
          throw new Error(`Migration ${migration.name} was edited after it was applied (checksum differs).`);
        }
        continue;
      }
      // The whole migration and its bookkeeping row commit together, or neither does.
      await sql.exec(
        `BEGIN;\n${migration.sql}\n;INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "applied_steps_count") VALUES ('${randomUUID()}', '${migration.checksum}', now(), '${migration.name.replace(/'/g, "''")}', 1);\nCOMMIT;`,
      ).catch(async (error) => {
        await sql.exec("ROLLBACK").catch(() => undefined);
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
      });
      done.push(migration.name);
    }
    return done;
  } finally {
    await sql.query("SELECT pg_advisory_unlock($1)", [MIGRATE_LOCK_KEY]);
  }
}
