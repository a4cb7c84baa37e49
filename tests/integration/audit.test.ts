import { describe, expect, it } from "vitest";
import { getDatabase, prisma } from "~/db.server";
import { recordAudit, sealAudit, verifyAuditChain } from "~/models/audit.server";

const NOTHING_UNSEALED = { count: 0, oldestAt: null };

describe("audit trail", () => {
  it("records events unsealed, then the sealer chains each to the one before it and the chain verifies clean", async () => {
    for (let i = 0; i < 5; i++) await recordAudit({ action: "test.event", details: { i } });
    const unsealed = await prisma.auditEvent.findMany({ orderBy: { id: "asc" } });
    expect(unsealed.map((row) => [row.chainSeq, row.prevHash, row.hash])).toEqual(Array(5).fill([null, null, null]));
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checked: 0, unsealed: { count: 5 } });

    expect(await sealAudit()).toBe(5);
    const rows = await prisma.auditEvent.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((row) => row.chainSeq)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(rows[1].prevHash).toBe(rows[0].hash);
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checked: 5, unsealed: NOTHING_UNSEALED });
    expect(await sealAudit()).toBe(0);
  });

  it("stores every field of recorded events as given, several in one statement, the instant to the millisecond", async () => {
    const before = Date.now();
    const details = { q: 'Zażółć "gęślą" jaźń 🙂', nested: { list: [1, null, "x"], empty: {} } };
    // Recorded in the same tick: they go out together, in one INSERT.
    await Promise.all([
      recordAudit({ actor: { id: "user-1", email: "a@example.org" }, action: "test.fields", outcome: "denied", itemType: "clue", itemId: "clue-1", taskforceId: "tf-1", caseId: "case-1", details, origin: { ip: "10.0.0.1", userAgent: "agent/1.0" } }),
      recordAudit({ action: "test.fields.bare" }),
    ]);
    const after = Date.now();
    const full = await prisma.auditEvent.findFirstOrThrow({ where: { action: "test.fields" } });
    expect(full).toMatchObject({ actorId: "user-1", actorEmail: "a@example.org", outcome: "denied", itemType: "clue", itemId: "clue-1", taskforceId: "tf-1", caseId: "case-1", ip: "10.0.0.1", userAgent: "agent/1.0", details });
    expect(full.at.getTime()).toBeGreaterThanOrEqual(before);
    expect(full.at.getTime()).toBeLessThanOrEqual(after);
    const bare = await prisma.auditEvent.findFirstOrThrow({ where: { action: "test.fields.bare" } });
    expect(bare).toMatchObject({ actorId: null, actorEmail: null, outcome: "ok", itemType: null, ip: null, userAgent: null, details: {} });
    expect(await sealAudit()).toBe(2);
    expect(await verifyAuditChain()).toMatchObject({ ok: true, unsealed: NOTHING_UNSEALED });
  });

  it("refuses updates and deletes through the append-only trigger; only sealing an unsealed row is allowed", async () => {
    await recordAudit({ action: "test.event" });
    const row = await prisma.auditEvent.findFirstOrThrow({ where: { chainSeq: null } });
    await expect(prisma.auditEvent.deleteMany({})).rejects.toThrow();
    await expect(prisma.auditEvent.update({ where: { id: row.id }, data: { action: "test.forged" } })).rejects.toThrow();
    // Sealing by hand with a different content change in the same statement is refused too.
    await expect(
      prisma.auditEvent.update({ where: { id: row.id }, data: { chainSeq: 999n, prevHash: "x", hash: "y", outcome: "denied" } }),
    ).rejects.toThrow();
    // Rows arrive unsealed: nobody but the sealer places a row in the chain.
    await expect(prisma.auditEvent.create({ data: { action: "test.forged", chainSeq: 1000n, prevHash: "x", hash: "z" } })).rejects.toThrow();
    await sealAudit();
    const sealed = await prisma.auditEvent.findUniqueOrThrow({ where: { id: row.id } });
    expect(sealed.chainSeq).not.toBeNull();
    // Sealed once, sealed for good.
    await expect(prisma.auditEvent.update({ where: { id: row.id }, data: { chainSeq: 999n } })).rejects.toThrow();
    expect(await verifyAuditChain()).toMatchObject({ ok: true, unsealed: NOTHING_UNSEALED });
  });

  it("cannot tell that rows sealed since the newest checkpoint were removed (the window between checkpoints; decision 012)", async () => {
    for (let i = 0; i < 3; i++) await recordAudit({ action: "test.newest", details: { i } });
    await sealAudit();
    const before = await verifyAuditChain();
    const newest = await prisma.auditEvent.findFirstOrThrow({ orderBy: { chainSeq: "desc" } });
    const { sql } = getDatabase();
    await sql.exec(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
    await sql.query(`DELETE FROM "AuditEvent" WHERE id = $1`, [newest.id.toString()]);
    await sql.exec(`ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only"`);
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checked: before.checked - 1, unsealed: NOTHING_UNSEALED });
    // The next row chains onto what is now the newest; the chain stays intact from the database's own view.
    await recordAudit({ action: "test.after_removal" });
    expect(await sealAudit()).toBe(1);
    const next = await prisma.auditEvent.findFirstOrThrow({ where: { action: "test.after_removal" } });
    expect(next.chainSeq).toBe(newest.chainSeq);
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checked: before.checked, unsealed: NOTHING_UNSEALED });
  });

  it("reports the first broken link when a sealed row was edited or deleted", async () => {
    for (let i = 0; i < 4; i++) await recordAudit({ action: "test.tamper", details: { i } });
    await sealAudit();
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
