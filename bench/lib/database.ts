// The benchmark's own database: a fresh PostgreSQL database beside the maintenance URL given (dropped at the end),
// or an in-memory PGlite; migrated with the app's runner and installed as the process-wide database.
import pg from "pg";
import { openDatabase, type Database, type SqlRunner } from "~/db.server";
import { migrate } from "~/db/migrate.server";
import { singleton } from "~/utils/singleton.server";

export interface BenchDatabase {
  db: Database;
  /** The server's version, or "PGlite". */
  version: string;
  close(): Promise<void>;
}

export async function openBenchDatabase(kind: "postgres" | "pglite", maintenanceUrl: string): Promise<BenchDatabase> {
  if (kind === "pglite") {
    const db = singleton("database", () => openDatabase({ dataDir: "memory://" }));
    await migrate(db.sql);
    return { db, version: "PGlite (embedded, in memory)", close: () => db.close() };
  }
  const name = `cluebridge_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: maintenanceUrl });
  await admin.connect();
  const version = String((await admin.query("SHOW server_version")).rows[0].server_version);
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(maintenanceUrl);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  const db = singleton("database", () => openDatabase({ url: url.toString() }));
  await migrate(db.sql);
  return {
    db,
    version: `PostgreSQL ${version}`,
    async close() {
      await db.close();
      // For looking at a size's data afterwards (EXPLAIN ANALYZE by hand): drop it yourself when done.
      if (process.env.BENCH_KEEP_DATABASE === "1") {
        console.log(`kept the bench database ${name} (BENCH_KEEP_DATABASE=1)`);
        return;
      }
      const dropper = new pg.Client({ connectionString: maintenanceUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/** pg's idleTimeoutMillis (10 s, the app's pools keep the default), and a second more. */
const IDLE_CONNECTIONS_CLOSED_MS = 11_000;

/**
 * After a bulk load, before measuring: the tables vacuumed and analysed (as autovacuum would have done on a live
 * database), the load's dirty pages written now, and the app's idle connections left to close. Without the
 * CHECKPOINT, a 1M-row load left the checkpointer writing for 40-50 s under the figures that followed it, both the
 * app's and the scan's. Without the wait, whether the search connections (and the plans they made for the previous
 * size) outlived a load depended on whether it took more or less than 10 s: a rare word at 100k rows took 16 ms p50
 * on plans made at 10k and 5 ms on plans made at 100k. The app's search connections live at most
 * SEARCH_CONNECTION_LIFETIME_SECONDS (5 minutes): a load that takes seconds here takes months in a unit.
 */
export async function settleAfterLoad(sql: SqlRunner, tables: readonly string[]): Promise<void> {
  for (const table of tables) await sql.exec(`VACUUM ANALYZE "${table}"`);
  await sql.exec("CHECKPOINT");
  await new Promise((resolve) => setTimeout(resolve, IDLE_CONNECTIONS_CLOSED_MS));
}
