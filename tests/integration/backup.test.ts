// `npm run db:backup` / `db:restore` against a PostgreSQL server, run as an operator runs them. (The embedded
// database's round trip, beside a running server, is in cli.test.ts.)
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getDatabase, openDatabase, type Database } from "~/db.server";
import { sealAudit } from "~/models/audit.server";
import { COMMAND_TEST_TIMEOUT, embeddedCommandEnv, runCommand, tableFingerprints } from "../helpers/commands";
import { createTeam } from "../helpers/factories";
import { TEST_DB, pgUrlFor, runPrefix, withPgAdmin } from "../helpers/test-db";
import { clueAs, leadAs } from "../helpers/workspace";

let workDir: string;
beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "cluebridge-backup-"));
});
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

function serverEnv(url: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url };
  delete env.PGLITE_LOAD_DUMP;
  return env;
}


/** A new, empty database on the test server, dropped with the run's others at the end. */
async function emptyDatabase(): Promise<string> {
  const name = `${runPrefix(inject("testRunId"))}_restore_${randomBytes(4).toString("hex")}`;
  await withPgAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  return pgUrlFor(name);
}

async function fingerprintsOf(db: Database) {
  try {
    return await tableFingerprints(db);
  } finally {
    await db.close();
  }
}

describe.runIf(TEST_DB === "postgres")("db:backup and db:restore on a PostgreSQL server", () => {
  it("restores every row of every table, value for value, into an empty database, where the audit chain verifies and new rows follow on", async () => {
    const team = await createTeam();
    for (let i = 0; i < 3; i++) await clueAs(team.analyst, team.case.id, { value: `Tram line ${i} sign` });
    await leadAs(team.analyst, team.case.id);
    await sealAudit({ wait: true });
    const before = await tableFingerprints(getDatabase());
    expect(before.AuditEvent.rows).toBeGreaterThan(0);
    expect(before.Clue.rows).toBe(3);

    const file = path.join(workDir, "server.backup.gz");
    const backup = await runCommand("scripts/db-backup.ts", ["--out", file], serverEnv(process.env.DATABASE_URL!));
    expect(backup.stderr).toBe("");
    expect(backup.code).toBe(0);

    const target = await emptyDatabase();
    const restore = await runCommand("scripts/db-restore.ts", ["--in", file], serverEnv(target));
    expect(restore.stderr).toBe("");
    expect(restore.code).toBe(0);
    expect(await fingerprintsOf(openDatabase({ url: target }))).toEqual(before);

    const verify = await runCommand("scripts/audit-verify.ts", [], serverEnv(target));
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(new RegExp(`^Audit chain intact up to event ${before.AuditEvent.rows}, `, "m"));

    // Sequences moved past the restored rows: a new account and its audit record are written, then sealed.
    const created = await runCommand("scripts/user-create.ts", ["--role", "analyst", "--email", "after-restore@agency.example", "--name", "After Restore", "--agency", "Agency A"], serverEnv(target));
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const sealed = await runCommand("scripts/audit-verify.ts", ["--seal"], serverEnv(target));
    expect(sealed.code).toBe(0);
    expect(sealed.stdout).toContain("Audit chain intact");
  }, COMMAND_TEST_TIMEOUT);

  it("restores a server's backup into an empty embedded data directory, and that directory's backup into a server", async () => {
    const team = await createTeam();
    await clueAs(team.analyst, team.case.id);
    await sealAudit({ wait: true });
    const before = await tableFingerprints(getDatabase());
    const file = path.join(workDir, "to-embedded.backup.gz");
    expect((await runCommand("scripts/db-backup.ts", ["--out", file], serverEnv(process.env.DATABASE_URL!))).code).toBe(0);

    const dataDir = path.join(workDir, "embedded");
    const restore = await runCommand("scripts/db-restore.ts", ["--in", file], embeddedCommandEnv(dataDir));
    expect(restore.stderr).toBe("");
    expect(restore.code).toBe(0);
    expect(await fingerprintsOf(openDatabase({ dataDir }))).toEqual(before);
    const verify = await runCommand("scripts/audit-verify.ts", [], embeddedCommandEnv(dataDir));
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(new RegExp(`^Audit chain intact up to event ${before.AuditEvent.rows}, `, "m"));

    // No server serves that directory, so db:backup archives it itself; the archive restores into a server.
    const archive = path.join(workDir, "embedded.tar.gz");
    const archived = await runCommand("scripts/db-backup.ts", ["--out", archive], embeddedCommandEnv(dataDir));
    expect(archived.stderr).toBe("");
    expect(archived.stdout).toContain("Backup of the embedded database written");
    const target = await emptyDatabase();
    const restored = await runCommand("scripts/db-restore.ts", ["--in", archive], serverEnv(target));
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    expect(await fingerprintsOf(openDatabase({ url: target }))).toEqual(before);
  }, COMMAND_TEST_TIMEOUT);

  it("refuses a target that is not empty, a file that is not a backup, and an output file that exists", async () => {
    const file = path.join(workDir, "refusals.backup.gz");
    expect((await runCommand("scripts/db-backup.ts", ["--out", file], serverEnv(process.env.DATABASE_URL!))).code).toBe(0);
    const sourceBefore = await tableFingerprints(getDatabase());

    const intoItself = await runCommand("scripts/db-restore.ts", ["--in", file], serverEnv(process.env.DATABASE_URL!));
    expect(intoItself.code).toBe(1);
    expect(intoItself.stderr).toMatch(/not empty/);
    expect(await tableFingerprints(getDatabase())).toEqual(sourceBefore);

    const notABackup = path.join(workDir, "not-a-backup.gz");
    fs.writeFileSync(notABackup, "hello");
    const garbage = await runCommand("scripts/db-restore.ts", ["--in", notABackup], serverEnv(await emptyDatabase()));
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toMatch(/not a Cluebridge backup/);

    const overwrite = await runCommand("scripts/db-backup.ts", ["--out", file], serverEnv(process.env.DATABASE_URL!));
    expect(overwrite.code).toBe(1);
    expect(overwrite.stderr).toMatch(/exists already/);
  }, COMMAND_TEST_TIMEOUT);
});
