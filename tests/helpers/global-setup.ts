// Once per test run: migrate a base database that every test file copies. The run's id names its databases
// (and the PGlite dump), so concurrent runs on one PostgreSQL server or one checkout leave each other alone.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import type { TestProject } from "vitest/node";
import { openDatabase } from "~/db.server";
import { migrate } from "~/db/migrate.server";
import { TEST_DB, ensureCacheDir, pgBaseDb, pgliteBaseDump, pgliteTemplateDir, pgUrlFor, runPrefix, withPgAdmin } from "./test-db";

declare module "vitest" {
  export interface ProvidedContext {
    testRunId: string;
  }
}

export default async function globalSetup(project: TestProject) {
  const runId = `${process.pid}${randomBytes(3).toString("hex")}`;
  project.provide("testRunId", runId);
  ensureCacheDir();
  if (TEST_DB === "postgres") {
    const base = pgBaseDb(runId);
    await withPgAdmin((client) => client.query(`CREATE DATABASE ${base}`));
    const db = openDatabase({ url: pgUrlFor(base) });
    await migrate(db.sql);
    await db.close();
    return async () => {
      await withPgAdmin(async (client) => {
        const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${runPrefix(runId)}_%`]);
        for (const row of rows) await client.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
      });
    };
  }
  const db = openDatabase({ dataDir: "memory://" });
  await migrate(db.sql);
  const dump = await db.dump!();
  fs.writeFileSync(pgliteBaseDump(runId), Buffer.from(await dump.arrayBuffer()));
  await db.close();
  // The same database as a directory, for the tests of operator commands: a copy of it (a third of a second)
  // stands in for a fresh directory's initdb and migrations (six seconds) wherever a bare one is not the point.
  const template = openDatabase({ dataDir: pgliteTemplateDir(runId), loadDumpFrom: pgliteBaseDump(runId) });
  await template.sql.query("SELECT 1");
  await template.close();
  return () => {
    fs.rmSync(pgliteBaseDump(runId), { force: true });
    fs.rmSync(pgliteTemplateDir(runId), { recursive: true, force: true });
    fs.rmSync(`${pgliteTemplateDir(runId)}.lock`, { force: true });
  };
}
