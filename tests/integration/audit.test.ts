import { describe, expect, it } from "vitest";
import { getDatabase, prisma } from "~/db.server";
import { recordAudit, verifyAuditChain } from "~/models/audit.server";

describe("audit trail", () => {
  it("chains every event to the one before it and verifies clean", async () => {
    for (let i = 0; i < 5; i++) await recordAudit({ action: "test.event", details: { i } });
    const rows = await prisma.auditEvent.findMany({ orderBy: { id: "asc" } });
    expect(rows).toHaveLength(5);
    expect(rows[1].prevHash).toBe(rows[0].hash);
    expect(await verifyAuditChain()).toEqual({ ok: true, checked: 5 });
  });

  it("refuses updates and deletes through the append-only trigger", async () => {
    await recordAudit({ action: "test.event" });
    await expect(prisma.auditEvent.deleteMany({})).rejects.toThrow();
  });

  it("reports the first broken link when a row was edited or deleted", async () => {
    for (let i = 0; i < 4; i++) await recordAudit({ action: "test.tamper", details: { i } });
    const rows = await prisma.auditEvent.findMany({ where: { action: "test.tamper" }, orderBy: { id: "asc" } });
    const { sql } = getDatabase();
    // Someone with database rights turns the trigger off and edits history.
    await sql.exec(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
    await sql.query(`UPDATE "AuditEvent" SET "action" = 'test.forged' WHERE id = $1`, [rows[1].id.toString()]);
    let check = await verifyAuditChain();
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.brokenAt).toBe(rows[1].id);
    await sql.query(`DELETE FROM "AuditEvent" WHERE id = $1`, [rows[1].id.toString()]);
    check = await verifyAuditChain();
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.brokenAt).toBe(rows[2].id);
  });
});
