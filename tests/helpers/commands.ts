// Operator commands as an operator runs them (a child process per command), and what a backup must keep.
// Deadlines are generous: a command starts a TypeScript loader and a database, slow on a loaded machine.
export const COMMAND_TEST_TIMEOUT = 600_000;
import { execFile } from "node:child_process";
import fs from "node:fs";
import { promisify } from "node:util";
import { inject } from "vitest";
import type { Database } from "~/db.server";
import { pgliteTemplateDir } from "./test-db";

const run = promisify(execFile);

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A migrated, empty embedded data directory at `dataDir`: a copy of the run's template (tests/helpers/
 * global-setup.ts), so only the test of starting on a bare directory pays for initdb and the migrations.
 */
export function migratedDataDir(dataDir: string): string {
  fs.cpSync(pgliteTemplateDir(inject("testRunId")), dataDir, { recursive: true });
  return dataDir;
}

/** A command's environment for an embedded data directory: no server URL, no dump to load, `extra` on top. */
export function embeddedCommandEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DATA_DIR: dataDir, ...extra };
  delete env.DATABASE_URL;
  delete env.PGLITE_LOAD_DUMP;
  return env;
}

/** Runs `tsx <script> ...args` (as `npm run` does, without npm) with exactly `env`; never throws on a non-zero exit. */
export async function runCommand(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", script, ...args], { env, cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/**
 * Every table's row count and a digest of its rows' full contents (row_to_json, in sorted order), so two
 * databases compare equal only if they hold the same rows, value for value.
 */
export async function tableFingerprints(db: Database): Promise<Record<string, { rows: number; md5: string }>> {
  return db.transaction("REPEATABLE READ READ ONLY", async (sql) => {
    // Timestamps with a time zone print in the session's zone: one zone for both sides of a comparison.
    await sql.exec(`SET LOCAL TIME ZONE 'UTC'`);
    const tables = await sql.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname`,
    );
    const fingerprints: Record<string, { rows: number; md5: string }> = {};
    for (const { name } of tables) {
      const [row] = await sql.query<{ rows: number; md5: string }>(
        `SELECT count(*)::int AS rows, md5(coalesce(string_agg(j, E'\\n' ORDER BY j), '')) AS md5 FROM (SELECT row_to_json(t)::text AS j FROM "${name}" t) rows`,
      );
      fingerprints[name] = row;
    }
    return fingerprints;
  });
}
