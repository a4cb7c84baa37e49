// Decision 018: a read is answered without waiting for its audit record's commit. The record is still written:
// within a second (no flush needed), at shutdown, and a full queue makes reads wait for their own record.
import { afterEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { flushAuditRecords, MAX_PENDING_READ_RECORDS, pendingAuditRecords, READ_RECORD_LINGER_MS, recordRead, setReadRecordLinger, startAuditSealer } from "~/models/audit.server";
import { listClues } from "~/models/clues.server";
import { apiCallerFor } from "../helpers/api";
import { createTeam } from "../helpers/factories";
import { startTestServer } from "../helpers/server";

afterEach(async () => {
  setReadRecordLinger(READ_RECORD_LINGER_MS);
  await flushAuditRecords();
});

/** Holds read records back (far past any test's length), so that what writes them is the thing under test. */
function holdReadRecords() {
  setReadRecordLinger(60_000);
}

async function readRecords(itemId: string, action = "clue.list") {
  return prisma.auditEvent.findMany({ where: { action, itemId } });
}

describe("read audit queue", () => {
  it("answers a read before its record is written, and writes the record within a second without a flush", async () => {
    const team = await createTeam();
    const page = await listClues(team.analyst, team.case.id);
    expect(page.items).toEqual([]);
    // Answered, and the record is still queued: the read did not wait for it.
    expect(pendingAuditRecords()).toBeGreaterThan(0);
    expect(await readRecords(team.case.id)).toHaveLength(0);
    const started = Date.now();
    let records = await readRecords(team.case.id);
    while (records.length === 0 && Date.now() - started < 2_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      records = await readRecords(team.case.id);
    }
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ actorId: team.analyst.id, outcome: "ok", caseId: team.case.id, taskforceId: team.taskforce.id, details: { count: 0 } });
    expect(READ_RECORD_LINGER_MS).toBeLessThanOrEqual(500);
  });

  it("writes the records of reads answered just before the server closes, when it closes", async () => {
    const team = await createTeam();
    const server = await startTestServer();
    holdReadRecords();
    let closed = false;
    try {
      const as = await apiCallerFor(server.url, team.analyst);
      const answers = await Promise.all(Array.from({ length: 12 }, () => as("GET", `/cases/${team.case.id}/clues`)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
      // Still queued when the close begins, so the close must write them.
      expect(pendingAuditRecords()).toBeGreaterThanOrEqual(12);
      await server.close();
      closed = true;
      expect(pendingAuditRecords()).toBe(0);
      expect(await readRecords(team.case.id)).toHaveLength(12);
    } finally {
      if (!closed) await server.close();
    }
  });

  it("writes pending read records when the sealer stops (shutdown without an HTTP server)", async () => {
    const team = await createTeam();
    const sealer = startAuditSealer(60_000);
    holdReadRecords();
    await recordRead({ actor: team.analyst, action: "case.read", itemType: "CASE", itemId: team.case.id, caseId: team.case.id });
    expect(pendingAuditRecords()).toBeGreaterThan(0);
    await sealer.stop();
    const [record] = await readRecords(team.case.id, "case.read");
    // Written and, being before the last seal, chained.
    expect(record?.chainSeq).not.toBeNull();
  });

  it("makes a read wait for its own record once the queue is full, so memory stays bounded", async () => {
    const team = await createTeam();
    const entry = { actor: team.analyst, action: "case.read", itemType: "CASE", itemId: team.case.id, caseId: team.case.id };
    holdReadRecords();
    for (let i = 0; i < MAX_PENDING_READ_RECORDS; i++) await recordRead(entry);
    expect(pendingAuditRecords()).toBe(MAX_PENDING_READ_RECORDS);
    // Over the bound, the read waits for its record: when it goes on, its record and the queue before it are written.
    const pendingWhenAnswered = await recordRead({ ...entry, details: { last: true } }).then(() => pendingAuditRecords());
    expect(pendingWhenAnswered).toBe(0);
    const last = await prisma.auditEvent.findFirst({ where: { action: "case.read", itemId: team.case.id, details: { equals: { last: true } } } });
    expect(last).not.toBeNull();
    await flushAuditRecords();
    expect(await prisma.auditEvent.count({ where: { action: "case.read", itemId: team.case.id } })).toBe(MAX_PENDING_READ_RECORDS + 1);
  });
});
