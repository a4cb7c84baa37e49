// `npm run db:backup -- --out FILE`: a consistent, compressed backup of the whole database while the server runs
// (decision 013). The embedded database: its data directory as a gzipped tar, taken inside the serving process
// when one runs. A PostgreSQL server: a logical dump the app writes itself in one snapshot (no pg_dump needed).
import fs from "node:fs";
import { commandDatabaseConfig, openDatabase } from "~/db.server";
import { writeFileAtomically, writeLogicalBackup } from "~/db/backup.server";
import { requestBackup } from "~/db/local-commands.server";
import { parseOptions } from "./cli";

const { out } = parseOptions(["out"], ["out"], "Usage: npm run db:backup -- --out <file> (the file must not exist yet)");
if (fs.existsSync(out)) {
  console.error(`${out} exists already; choose a new file name (a backup never overwrites another).`);
  process.exit(1);
}

const config = commandDatabaseConfig();
if (config.servedAt) {
  const archive = await requestBackup(config.servedAt);
  writeFileAtomically(out, archive);
  console.log(`Backup of the embedded database (taken by the serving process) written to ${out}: ${archive.length} bytes.`);
} else {
  const db = openDatabase(config);
  try {
    if (db.backup) {
      const archive = await db.backup();
      writeFileAtomically(out, archive);
      console.log(`Backup of the embedded database written to ${out}: ${archive.length} bytes.`);
    } else {
      const counts = await writeLogicalBackup(db, out);
      const rows = Object.values(counts).reduce((sum, count) => sum + count, 0);
      console.log(`Logical backup of ${Object.keys(counts).length} tables (${rows} rows) written to ${out}.`);
    }
  } finally {
    await db.close();
  }
}
