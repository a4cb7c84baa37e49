// Issue 11, audit anchoring: signed checkpoints of the chain's head, so removing the newest rows is reported.
import { afterEach, describe, expect, it } from "vitest";
import { generateSecretKeyText, parseSecretKey, secretKeys } from "~/auth/secret-box.server";
import { getDatabase, prisma } from "~/db.server";
import { recordAudit, sealAudit, startAuditSealer, verifyAuditChain, writeAuditCheckpoint } from "~/models/audit.server";

async function recordSealed(count: number, action = "test.anchor") {
  for (let i = 0; i < count; i++) await recordAudit({ action, details: { i } });
  await sealAudit();
  return prisma.auditEvent.findFirstOrThrow({ where: { chainSeq: { not: null } }, orderBy: { chainSeq: "desc" } });
}

/** What someone with database rights does: turn the trigger off and delete the newest rows. */
async function deleteNewestRows(count: number) {
  const { sql } = getDatabase();
  await sql.exec(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
  await sql.query(`DELETE FROM "AuditEvent" WHERE id IN (SELECT id FROM "AuditEvent" WHERE "chainSeq" IS NOT NULL ORDER BY "chainSeq" DESC LIMIT $1)`, [count]);
  await sql.exec(`ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only"`);
}

// Each test starts from an empty trail: the tests break the chain on purpose. TRUNCATE fires no row trigger.
afterEach(() => getDatabase().sql.exec(`TRUNCATE "AuditEvent", "AuditCheckpoint"`));

describe("audit checkpoints", () => {
  it("the sealer signs the chain's head after sealing, and once more at shutdown", async () => {
    await recordSealed(2);
    // A long interval: only the first pass and the shutdown write one.
    const sealer = startAuditSealer(1_000, 3_600_000);
    await recordAudit({ action: "test.before_stop" });
    await sealer.stop();
    const head = await prisma.auditEvent.findFirstOrThrow({ where: { chainSeq: { not: null } }, orderBy: { chainSeq: "desc" } });
    expect(head.action).toBe("test.before_stop");
    const newest = await prisma.auditCheckpoint.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(newest).toMatchObject({ chainSeq: head.chainSeq, headHash: head.hash, keyId: secretKeys().current.id, signature: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checked: Number(head.chainSeq), checkpoints: { newest: { chainSeq: head.chainSeq }, otherKey: 0 } });
    // Nothing new since: no second checkpoint of the same head.
    expect(await writeAuditCheckpoint()).toBeNull();
  });

  it("reports the newest rows deleted: intact up to event N, checkpoint at M", async () => {
    const head = await recordSealed(5);
    await writeAuditCheckpoint();
    await deleteNewestRows(2);
    const check = await verifyAuditChain();
    expect(check).toMatchObject({ ok: false, brokenAt: null, checked: Number(head.chainSeq) - 2, checkpoints: { newest: { chainSeq: head.chainSeq } } });
    if (!check.ok) expect(check.reason).toMatch(/^the newest 2 events were removed \(the checkpoint of .+ signed the chain at event \d+\)$/);
    // A sealer does not sign the shorter chain over it, and rows sealed afterwards do not hide the removal.
    expect(await writeAuditCheckpoint()).toBeNull();
    await recordSealed(2, "test.after_removal");
    const after = await verifyAuditChain();
    expect(after.ok).toBe(false);
    if (!after.ok) expect(after.reason).toMatch(/does not match the chain there \(the chain was rewritten\)$/);
  });

  it("refuses a checkpoint whose signature is wrong, and keeps checkpoints append-only", async () => {
    const head = await recordSealed(1);
    const forged = await prisma.auditCheckpoint.create({
      data: { chainSeq: head.chainSeq!, headHash: head.hash!, keyId: secretKeys().current.id, signature: "0".repeat(64) },
    });
    const check = await verifyAuditChain();
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(/^the checkpoint of .+ at event \d+ has a wrong signature \(forged or altered\)$/);
    await expect(prisma.auditCheckpoint.delete({ where: { id: forged.id } })).rejects.toThrow();
    await expect(prisma.auditCheckpoint.update({ where: { id: forged.id }, data: { signature: "1".repeat(64) } })).rejects.toThrow();
  });
});

describe("audit checkpoints under another key", () => {
  it("checks their place and hash, counts them as signed with an earlier key, and anchors nothing", async () => {
    const head = await recordSealed(1);
    const earlierKey = parseSecretKey(generateSecretKeyText());
    expect(await writeAuditCheckpoint({ key: earlierKey })).toMatchObject({ chainSeq: head.chainSeq, keyId: earlierKey.id });
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checkpoints: { newest: null, otherKey: 1 } });
    // The current key signs its own checkpoint of the same head.
    expect(await writeAuditCheckpoint()).toMatchObject({ chainSeq: head.chainSeq, keyId: secretKeys().current.id });
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checkpoints: { newest: { chainSeq: head.chainSeq }, otherKey: 1 } });
  });
});
