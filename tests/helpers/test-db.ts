// Each test file gets its own database, copied from a migrated base made once per run:
// an in-memory PGlite loaded from a dump (TEST_DB=pglite, the default) or a PostgreSQL database created
// from a template (TEST_DB=postgres, server on 127.0.0.1:5432).
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

export const TEST_DB = (process.env.TEST_DB ?? "pglite") as "pglite" | "postgres";
export const CACHE_DIR = path.join(process.cwd(), ".cache", "test");
/** Names this run's databases and dump, so two runs against one server (or one checkout) never collide. */
export function runPrefix(runId: string) {
  return `cluebridge_test_${runId}`;
}
export function pgliteBaseDump(runId: string) {
  return path.join(CACHE_DIR, `base-${runId}.tar`);
}
/** A migrated embedded data directory, made once per run from the base dump: commands' tests copy it. */
export function pgliteTemplateDir(runId: string) {
  return path.join(CACHE_DIR, `datadir-${runId}`);
}
export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
export function pgBaseDb(runId: string) {
  return `${runPrefix(runId)}_base`;
}

export function pgUrlFor(database: string) {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withPgAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export function ensureCacheDir() {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
}
