// `npm run db:restore -- --in FILE`: restores a db:backup file into an EMPTY target: the embedded data directory
// (PGLITE_DATA_DIR, default data/pglite, which must not exist or be empty) or the database DATABASE_URL names
// (which must have no tables). Refuses anything else; `npm run audit:verify` then checks the restored trail.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { databaseConfigFromEnv, openDatabase, type Database } from "~/db.server";
import { backupKindOf, isEmptyDatabase, restoreLogicalBackup, rowCounts, writeLogicalBackup } from "~/db/backup.server";
import { parseOptions } from "./cli";

const { in: file } = parseOptions(["in"], ["in"], "Usage: npm run db:restore -- --in <backup file> (into an empty data directory or database)");

function refuse(message: string): never {
  console.error(message);
  process.exit(1);
}

async function using<T>(db: Database, work: (db: Database) => Promise<T>): Promise<T> {
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

function report(counts: Record<string, number>) {
  const rows = Object.values(counts).reduce((sum, count) => sum + count, 0);
  console.log(`Restored ${Object.keys(counts).length} tables, ${rows} rows:`);
  for (const [table, count] of Object.entries(counts)) console.log(`  ${table}: ${count}`);
}

if (!fs.existsSync(file)) refuse(`There is no file ${file}.`);
const kind = await backupKindOf(file);
if (!kind) refuse(`${file} is not a Cluebridge backup (neither an embedded data directory archive nor a logical dump).`);

// A refused restore (a damaged file, a newer backup than this code) says why, with no stack trace.
try {
  const target = databaseConfigFromEnv();
  if (target.url) {
    await using(openDatabase(target), async (db) => {
      if (!(await isEmptyDatabase(db.sql))) refuse("The target database is not empty; restore only into a new, empty database.");
      if (kind === "logical") return report(await restoreLogicalBackup(db, file));
      // An embedded archive reaches a server as a logical dump read from it in memory.
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cluebridge-restore-"));
      try {
        const logical = path.join(scratch, "backup.jsonl.gz");
        await using(openDatabase({ dataDir: "memory://", loadDumpFrom: file }), (embedded) => writeLogicalBackup(embedded, logical));
        report(await restoreLogicalBackup(db, logical));
      } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    });
  } else {
    const dataDir = target.dataDir!;
    if (dataDir.startsWith("memory://")) refuse("PGLITE_DATA_DIR names an in-memory database; restore into a data directory.");
    if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) refuse(`The data directory ${dataDir} is not empty; restore only into a new, empty directory.`);
    try {
      if (kind === "embedded-tar") {
        await using(openDatabase({ dataDir, loadDumpFrom: file }), async (db) => report(await rowCounts(db.sql)));
      } else {
        await using(openDatabase({ dataDir }), async (db) => report(await restoreLogicalBackup(db, file)));
      }
    } catch (error) {
      fs.rmSync(dataDir, { recursive: true, force: true }); // it was empty: leave it so, ready for another try
      throw error;
    }
  }
} catch (error) {
  refuse(`Nothing was restored: ${(error as Error).message}`);
}
