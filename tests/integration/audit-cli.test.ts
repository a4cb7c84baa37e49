// `npm run audit:verify` as an operator runs it: a separate process on an embedded database directory.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/db.server";
import { migrate } from "~/db/migrate.server";
import { appendAudit } from "~/models/audit.server";

const run = promisify(execFile);
let dataDir: string;

beforeAll(() => {
  dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cluebridge-audit-cli-")), "db");
});
afterAll(() => fs.rmSync(path.dirname(dataDir), { recursive: true, force: true }));

async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const db = openDatabase({ dataDir });
  try {
    await migrate(db.sql);
    return await work(db);
  } finally {
    await db.close();
  }
}

async function auditVerify(): Promise<{ code: number; stdout: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  delete env.PGLITE_LOAD_DUMP;
  try {
    const { stdout } = await run("npx", ["tsx", "scripts/audit-verify.ts"], { env, cwd: process.cwd() });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

describe("audit:verify", () => {
  it("reports an intact chain and exits 0, then names the edited event and exits 1", async () => {
    const ids = await withDatabase(async (db) => {
      for (let i = 0; i < 3; i++) await db.prisma.$transaction((tx) => appendAudit(tx, { action: "test.cli", details: { i } }));
      return (await db.prisma.auditEvent.findMany({ orderBy: { id: "asc" }, select: { id: true } })).map((row) => row.id);
    });

    const intact = await auditVerify();
    expect(intact).toEqual({ code: 0, stdout: "Audit chain intact: 3 events\n" });

    await withDatabase(async (db) => {
      await db.sql.exec(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
      await db.sql.query(`UPDATE "AuditEvent" SET "action" = 'test.forged' WHERE id = $1`, [ids[1].toString()]);
    });
    const broken = await auditVerify();
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe(`Audit chain broken at event #${ids[1]}: this row was edited (content does not match its hash)\n`);
  }, 120_000);
});
