// Backups of the whole database (decision 013). Two formats, both gzip: the embedded database's data directory
// as PGlite dumps it (a tar), and a logical dump the app writes itself from any PostgreSQL (newline-delimited
// JSON: a header with the migration history, then every table's rows in foreign-key order, then the counts).
// A logical dump restores into a server or an embedded data directory; a tar only into a data directory.
import fs from "node:fs";
import readline from "node:readline";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import type { Database, SqlRunner } from "../db.server";
import { migrate, readMigrations } from "./migrate.server";

export const LOGICAL_FORMAT = "cluebridge-logical-backup";
const ROWS_PER_LINE = 1000;

interface LogicalHeader {
  format: typeof LOGICAL_FORMAT;
  version: 1;
  createdAt: string;
  migrations: { name: string; checksum: string }[];
}

type LogicalLine = LogicalHeader | { table: string } | { rows: unknown[] } | { end: true; counts: Record<string, number> };

export type BackupKind = "embedded-tar" | "logical";

/** Tells the two formats apart by their first bytes once unzipped; null for a file that is neither. */
export async function backupKindOf(file: string): Promise<BackupKind | null> {
  const head = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stream = fs.createReadStream(file).pipe(zlib.createGunzip());
    stream.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= 512) stream.destroy();
    });
    stream.on("close", () => resolve(Buffer.concat(chunks)));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  }).catch(() => Buffer.alloc(0));
  if (head.subarray(0, 200).toString("utf8").includes(`"format":"${LOGICAL_FORMAT}"`)) return "logical";
  if (head.length >= 512 && head.subarray(257, 262).toString("latin1") === "ustar") return "embedded-tar";
  return null;
}

/** Writes `bytes` to `file` whole or not at all (a half-written backup must never look like one). */
export function writeFileAtomically(file: string, bytes: Buffer) {
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, bytes, { mode: 0o600 });
  fs.renameSync(partial, file);
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The schema's tables, each after every table it refers to. */
async function tablesInDependencyOrder(sql: SqlRunner): Promise<string[]> {
  const tables = (
    await sql.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
    )
  ).map((row) => row.name);
  const references = await sql.query<{ child: string; parent: string }>(
    `SELECT child.relname AS child, parent.relname AS parent FROM pg_constraint k
       JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid
     WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace AND k.conrelid <> k.confrelid`,
  );
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((table) => !placed.has(table) && references.every((ref) => ref.child !== table || placed.has(ref.parent)));
    if (ready.length === 0) throw new Error("The tables' foreign keys form a cycle; a logical backup cannot order them.");
    for (const table of ready) {
      ordered.push(table);
      placed.add(table);
    }
  }
  return ordered;
}

/**
 * Writes a logical backup of `db` to `file`: one REPEATABLE READ snapshot, so every table is read as of the same
 * instant while the server goes on writing. Returns the row count of every table.
 */
export async function writeLogicalBackup(db: Database, file: string): Promise<Record<string, number>> {
  const partial = `${file}.partial`;
  const gzip = zlib.createGzip();
  const written = pipeline(gzip, fs.createWriteStream(partial, { mode: 0o600 }));
  const write = async (line: LogicalLine) => {
    if (!gzip.write(`${JSON.stringify(line)}\n`)) await new Promise((resolve) => gzip.once("drain", resolve));
  };
  try {
    const counts = await db.transaction("REPEATABLE READ READ ONLY", async (sql) => {
      const migrations = await sql.query<{ name: string; checksum: string }>(
        `SELECT migration_name AS name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
      );
      await write({ format: LOGICAL_FORMAT, version: 1, createdAt: new Date().toISOString(), migrations });
      const counts: Record<string, number> = {};
      for (const table of await tablesInDependencyOrder(sql)) {
        await write({ table });
        counts[table] = 0;
        // Pages through the snapshot by physical row position, so a large table is never held in memory whole.
        let after = "(0,0)";
        for (;;) {
          const batch = await sql.query<{ at: string; row: string }>(
            `SELECT t.ctid::text AS at, row_to_json(t)::text AS row FROM ${quoteIdent(table)} t WHERE t.ctid > $1::tid ORDER BY t.ctid LIMIT ${ROWS_PER_LINE}`,
            [after],
          );
          if (batch.length === 0) break;
          await write({ rows: batch.map((entry) => JSON.parse(entry.row) as unknown) });
          counts[table] += batch.length;
          after = batch[batch.length - 1].at;
        }
      }
      await write({ end: true, counts });
      return counts;
    });
    gzip.end();
    await written;
    fs.renameSync(partial, file);
    return counts;
  } catch (error) {
    gzip.destroy();
    await written.catch(() => undefined);
    fs.rmSync(partial, { force: true });
    throw error;
  }
}

async function* readLogicalBackup(file: string): AsyncGenerator<LogicalLine> {
  const lines = readline.createInterface({ input: fs.createReadStream(file).pipe(zlib.createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) if (line) yield JSON.parse(line) as LogicalLine;
}

/** Reads a logical backup through once: its header, and every table's rows against the counts at its end. */
async function checkLogicalBackup(file: string): Promise<LogicalHeader> {
  let header: LogicalHeader | null = null;
  let table: string | null = null;
  const counts: Record<string, number> = {};
  try {
    for await (const line of readLogicalBackup(file)) {
      if (!header) {
        if ((line as LogicalHeader).format !== LOGICAL_FORMAT) break;
        header = line as LogicalHeader;
      } else if ("table" in line) counts[(table = line.table)] = 0;
      else if ("rows" in line && table) counts[table] += line.rows.length;
      else if ("end" in line) {
        const complete = Object.entries(line.counts).every(([name, count]) => counts[name] === count);
        if (!complete) throw new Error("The backup is inconsistent: its rows do not add up to the counts at its end.");
        return header;
      } else throw new Error("The backup is malformed.");
    }
  } catch (error) {
    if (/inconsistent|malformed/.test((error as Error).message)) throw error;
    throw new Error(`The backup file is damaged: ${(error as Error).message}`);
  }
  if (!header) throw new Error("This file is not a Cluebridge logical backup.");
  throw new Error("The backup file is cut short (no end marker).");
}

/** Every table's exact row count, by table name. */
export async function rowCounts(sql: SqlRunner): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await tablesInDependencyOrder(sql)) {
    const [{ count }] = await sql.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${quoteIdent(table)}`);
    counts[table] = count;
  }
  return counts;
}

/** True when the database holds no table at all: the only kind a restore writes into. */
export async function isEmptyDatabase(sql: SqlRunner): Promise<boolean> {
  const [{ count }] = await sql.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm')`,
  );
  return count === 0;
}

/**
 * Restores a logical backup into an empty database: reads it through once to check it is whole, applies the
 * migrations the backup was made at (refusing one this code does not have, or has edited), then, in one transaction, replaces every table's rows with the
 * backup's (the migration history included) and moves each sequence past its column's highest value.
 */
export async function restoreLogicalBackup(db: Database, file: string): Promise<Record<string, number>> {
  if (!(await isEmptyDatabase(db.sql))) throw new Error("The target database is not empty; restore only into a new, empty database.");
  // The whole file is checked before the target is touched: a damaged backup leaves the target empty.
  const header = await checkLogicalBackup(file);
  const known = new Map(readMigrations().map((migration) => [migration.name, migration]));
  for (const migration of header.migrations) {
    const ours = known.get(migration.name);
    if (!ours) throw new Error(`The backup was made at migration ${migration.name}, which this version of Cluebridge does not have.`);
    if (ours.checksum !== migration.checksum) throw new Error(`Migration ${migration.name} differs from the one the backup was made at.`);
  }
  const wanted = new Set(header.migrations.map((migration) => migration.name));
  await migrate(db.sql, [...known.values()].filter((migration) => wanted.has(migration.name)));

  return db.transaction("READ COMMITTED", async (sql) => {
    const lines = readLogicalBackup(file);
    await lines.next(); // the header, checked above
    const tables = await tablesInDependencyOrder(sql);
    // Migrations insert rows of their own (the taxonomy, their own history): the backup's rows replace them.
    await sql.exec(`TRUNCATE ${tables.map(quoteIdent).join(", ")}`);
    // Rows go back as they were: the audit trail's rows arrive already sealed, which its insert trigger refuses.
    for (const table of tables) await sql.exec(`ALTER TABLE ${quoteIdent(table)} DISABLE TRIGGER USER`);
    const counts: Record<string, number> = {};
    let table: string | null = null;
    let columns = "";
    let ended: Record<string, number> | null = null;
    for await (const line of lines) {
      if ("table" in line) {
        if (!tables.includes(line.table)) throw new Error(`The backup has a table ${line.table} this database does not.`);
        table = line.table;
        counts[table] = 0;
        const names = await sql.query<{ name: string }>(
          `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
          [quoteIdent(table)],
        );
        columns = names.map((column) => quoteIdent(column.name)).join(", ");
      } else if ("rows" in line) {
        if (!table) throw new Error("The backup is malformed: rows before any table.");
        await sql.query(
          `INSERT INTO ${quoteIdent(table)} (${columns}) OVERRIDING SYSTEM VALUE SELECT ${columns} FROM json_populate_recordset(NULL::${quoteIdent(table)}, $1::json)`,
          [JSON.stringify(line.rows)],
        );
        counts[table] += line.rows.length;
      } else if ("end" in line) {
        ended = line.counts;
      }
    }
    if (!ended) throw new Error("The backup file is cut short (no end marker); nothing was restored.");
    for (const [name, count] of Object.entries(ended)) {
      if ((counts[name] ?? 0) !== count) throw new Error(`The backup is inconsistent: ${name} should have ${count} rows, it has ${counts[name] ?? 0}.`);
    }
    for (const name of tables) await sql.exec(`ALTER TABLE ${quoteIdent(name)} ENABLE TRIGGER USER`);
    const sequences = await sql.query<{ sequence: string; tableName: string; column: string }>(
      `SELECT s.seqrelid::regclass::text AS sequence, d.refobjid::regclass::text AS "tableName", a.attname AS column
         FROM pg_sequence s JOIN pg_depend d ON d.objid = s.seqrelid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
         JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid`,
    );
    for (const { sequence, tableName, column } of sequences) {
      await sql.query(`SELECT setval($1::regclass, COALESCE((SELECT max(${quoteIdent(column)}) FROM ${tableName}), 0) + 1, false)`, [sequence]);
    }
    return counts;
  });
}
