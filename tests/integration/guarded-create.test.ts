// A guarded create (writeGuardedCreate, decision 030): decided on rows read without a lock, written in one
// statement that holds them as they were read. A row changed in between makes it decide again on what the row is
// now; a row that keeps changing refuses with CONFLICT, having written nothing; a share whose lead is raised to
// RED while it waits for the lock goes out as RED, never as the code it first read.
import { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { getDatabase, prisma } from "~/db.server";
import { writeGuardedCreate, type GuardedCreate } from "~/models/changes.server";
import { shareLead } from "~/models/lead-room.server";
import { createLead } from "../helpers/edge";
import { createTeam } from "../helpers/factories";
import { TEST_DB } from "../helpers/test-db";

type Team = Awaited<ReturnType<typeof createTeam>>;

/** A create that records the lead's title as read, guarded on the lead's row version. */
async function titleEvent(team: Team, leadId: string, beforeWriting: (attempt: number) => Promise<void>, action = "lead.share") {
  let attempts = 0;
  const stored = await writeGuardedCreate(team.analyst, {}, { type: "lead.shared", itemId: leadId }, async (statements): Promise<GuardedCreate> => {
    attempts += 1;
    const [row] = await statements<{ title: string; rowVersion: string }>(Prisma.sql`SELECT "title", xmin::text AS "rowVersion" FROM "Lead" WHERE "id" = ${leadId}`);
    await beforeWriting(attempts);
    return {
      guard: Prisma.sql`SELECT FROM "Lead" WHERE "id" = ${leadId} AND xmin::text = ${row.rowVersion} FOR UPDATE`,
      audit: [{ action, itemType: "LEAD", itemId: leadId, taskforceId: team.taskforce.id, caseId: team.case.id, details: { title: row.title } }],
      event: { taskforceId: team.taskforce.id, type: "lead.shared", itemType: "LEAD", itemId: leadId, visibility: { taskforceId: team.taskforce.id, taskforceWide: true, excludeLiaisons: true }, payload: { title: row.title } },
    };
  });
  return { stored, attempts };
}

const writtenFor = async (leadId: string) => ({
  events: await prisma.roomEvent.findMany({ where: { itemId: leadId, type: "lead.shared" } }),
  audits: await prisma.auditEvent.findMany({ where: { itemId: leadId, action: "lead.share" } }),
});

describe("a guarded create", () => {
  it("decides again when its row changed after it was read, and writes once, as the row is now", async () => {
    const team = await createTeam();
    const lead = await createLead(team.analyst, team.case.id, { title: "Before" });
    const { stored, attempts } = await titleEvent(team, lead.id, async (attempt) => {
      if (attempt === 1) await prisma.lead.update({ where: { id: lead.id }, data: { title: "After" } });
    });
    expect(attempts).toBe(2);
    expect(stored.payload).toEqual({ title: "After" });
    const { events, audits } = await writtenFor(lead.id);
    expect(events.map((event) => event.payload)).toEqual([{ title: "After" }]);
    expect(audits.map((audit) => audit.details)).toEqual([{ title: "After" }]);
  });

  it("moves the case's last change with a change of its content, only when it writes", async () => {
    const team = await createTeam();
    const lead = await createLead(team.analyst, team.case.id, { title: "Noted" });
    const lastChange = async () => (await prisma.case.findUniqueOrThrow({ where: { id: team.case.id } })).lastChangeAt.getTime();
    const before = await lastChange();
    await expect(titleEvent(team, lead.id, async (attempt) => void (await prisma.lead.update({ where: { id: lead.id }, data: { title: `Noted ${attempt}` } })), "lead.note")).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await lastChange()).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await titleEvent(team, lead.id, async () => undefined, "lead.note");
    expect(await lastChange()).toBeGreaterThan(before);
  });

  it("refuses with CONFLICT and writes nothing when the row keeps changing", async () => {
    const team = await createTeam();
    const lead = await createLead(team.analyst, team.case.id, { title: "Restless" });
    const before = await prisma.taskforce.findUniqueOrThrow({ where: { id: team.taskforce.id } });
    await expect(titleEvent(team, lead.id, async (attempt) => void (await prisma.lead.update({ where: { id: lead.id }, data: { title: `Restless ${attempt}` } })))).rejects.toMatchObject({ code: "CONFLICT", status: 409 });
    expect(await writtenFor(lead.id)).toEqual({ events: [], audits: [] });
    // No seq was taken either: the room's log has no gap.
    expect((await prisma.taskforce.findUniqueOrThrow({ where: { id: team.taskforce.id } })).lastEventSeq).toBe(before.lastEventSeq);
  });

  // The embedded database has one connection: a transaction holding the lead leaves no room for the share's read.
  it.runIf(TEST_DB === "postgres")("shares a lead raised to RED while the share waited for its lock as RED, never as the code it read", async () => {
    const team = await createTeam();
    const lead = await createLead(team.analyst, team.case.id, { title: "Tram ticket", handlingCode: "GREEN" });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const raise = getDatabase().transaction("READ COMMITTED", async (client) => {
      await client.query(`UPDATE "Lead" SET "handlingCode" = 'RED', "version" = "version" + 1 WHERE "id" = $1`, [lead.id]);
      locked();
      await released;
    });
    await holding;
    const sharing = shareLead(team.analyst, lead.id, "Look");
    // The share read GREEN (the raise is not committed) and now waits on the lead's lock.
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await raise;
    const shared = await sharing;
    expect(shared.visibility).toMatchObject({ handlingCode: "RED", authorId: team.analyst.id });
    expect((shared.payload as { lead: { handlingCode: string } }).lead.handlingCode).toBe("RED");
    expect((await writtenFor(lead.id)).events).toHaveLength(1);
  });
});
