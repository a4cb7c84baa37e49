// `npm run audit:verify` as an operator runs it: a separate process on an embedded database directory.
// (It touches only the embedded database, so it runs in the PGlite pass alone.)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/db.server";
import { migrate } from "~/db/migrate.server";
import { appendAudit } from "~/models/audit.server";
import { embeddedCommandEnv, migratedDataDir, runCommand } from "../helpers/commands";
import { TEST_DB } from "../helpers/test-db";

let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "cluebridge-audit-cli-"));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function withDatabase<T>(dataDir: string, work: (db: Database) => Promise<T>): Promise<T> {
  const db = openDatabase({ dataDir });
  try {
    await migrate(db.sql);
    return await work(db);
  } finally {
    await db.close();
  }
}

const auditVerify = (dataDir: string, ...args: string[]) => runCommand("scripts/audit-verify.ts", args, embeddedCommandEnv(dataDir));

describe.runIf(TEST_DB === "pglite")("audit:verify", () => {
  it("reports the unsealed tail, seals it with --seal and exits 0, then names the edited event and exits 1", async () => {
    const dataDir = migratedDataDir(path.join(root, "chain"));
    const ids = await withDatabase(dataDir, async (db) => {
      for (let i = 0; i < 3; i++) await db.prisma.$transaction((tx) => appendAudit(tx, { action: "test.cli", details: { i } }));
      return (await db.prisma.auditEvent.findMany({ orderBy: { id: "asc" }, select: { id: true } })).map((row) => row.id);
    });

    const unsealed = await auditVerify(dataDir);
    expect(unsealed.code).toBe(0);
    expect(unsealed.stdout).toMatch(/^Audit chain intact up to event 0, no checkpoint yet\nNot sealed yet: 3 events, the oldest \d+ s old\n$/);

    const sealed = await auditVerify(dataDir, "--seal");
    expect(sealed).toMatchObject({ code: 0, stderr: "" });
    expect(sealed.stdout).toMatch(/^Sealed 3 events\nAudit chain intact up to event 3, checkpoint at 3 \(\d{4}-[^)]+\)\n$/);

    await withDatabase(dataDir, async (db) => {
      await db.sql.exec(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
      await db.sql.query(`UPDATE "AuditEvent" SET "action" = 'test.forged' WHERE id = $1`, [ids[1].toString()]);
    });
    const broken = await auditVerify(dataDir);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe(`Audit chain broken at event #${ids[1]}: this row was edited (content does not match its hash)\n`);
  }, 120_000);

  it("reports the newest events deleted after a checkpoint and exits 1: intact up to event N, checkpoint at M", async () => {
    const dataDir = migratedDataDir(path.join(root, "removed"));
    await withDatabase(dataDir, async (db) => {
      for (let i = 0; i < 5; i++) await db.prisma.$transaction((tx) => appendAudit(tx, { action: "test.cli_removed", details: { i } }));
    });
    expect((await auditVerify(dataDir, "--seal")).stdout).toMatch(/^Sealed 5 events\nAudit chain intact up to event 5, checkpoint at 5 /);
    await withDatabase(dataDir, async (db) => {
      await db.sql.exec(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
      await db.sql.exec(`DELETE FROM "AuditEvent" WHERE "chainSeq" > 3`);
    });
    const removed = await auditVerify(dataDir);
    expect(removed.code).toBe(1);
    expect(removed.stdout).toMatch(/^Audit chain intact up to event 3, checkpoint at 5 \([^)]+\): the newest 2 events were removed \(the checkpoint of [^)]+ signed the chain at event 5\)\n$/);
  }, 120_000);

  it("warns when events have waited for the sealer longer than a few seconds", async () => {
    const dataDir = migratedDataDir(path.join(root, "stale"));
    await withDatabase(dataDir, (db) => db.prisma.auditEvent.create({ data: { action: "test.stale", at: new Date(Date.now() - 3_600_000) } }));
    const stale = await auditVerify(dataDir);
    expect(stale.code).toBe(0);
    expect(stale.stdout).toMatch(/^Audit chain intact up to event 0, no checkpoint yet\nNot sealed yet: 1 event, the oldest 36\d\d s old\n$/);
    expect(stale.stderr).toMatch(/^Warning: events have waited more than 5 s to be sealed/);
  }, 120_000);
});
