// Issue 9, "done means": after a burst of room traffic every read and write has its audit record (none lost,
// chain sealed); and a read record is written however long the database's connections stay busy (Prisma's batch
// transaction gave up after 2 s waiting for one, and a whole group of joins answered INTERNAL).
import { describe, expect, it } from "vitest";
import { getDatabase, prisma } from "~/db.server";
import { recordAudit, sealAudit, verifyAuditChain } from "~/models/audit.server";
import { ROOM_EVENT_NAMES } from "~/realtime/protocol";
import { createLead, requestReview } from "../helpers/edge";
import { createActor, createCase, createTaskforce } from "../helpers/factories";
import { recordRoomEvents, requestOk, socketTestSuite, waitFor } from "../helpers/sockets";

const suite = socketTestSuite();
const MEMBERS = 40;
const SHARES = 5;

describe("audit of room traffic", () => {
  it("keeps one join record per join and one delivery record per event naming every receiver, after a burst; all sealed", async () => {
    const taskforce = await createTaskforce();
    const coordinator = await createActor({ role: "COORDINATOR", agency: "Agency A", taskforceIds: [taskforce.id] });
    const analysts = await Promise.all(Array.from({ length: MEMBERS }, () => createActor({ role: "ANALYST", agency: "Agency A", taskforceIds: [taskforce.id] })));
    const kase = await createCase(taskforce.id, { createdById: coordinator.id });
    const leads = [];
    for (let i = 0; i < SHARES; i++) {
      const lead = await createLead(coordinator, kase.id, { title: `Burst lead ${i}`, handlingCode: "GREEN" });
      await requestReview(coordinator, "LEAD", lead.id);
      leads.push(lead);
    }

    const sockets = await Promise.all(analysts.map((analyst) => suite.connect(analyst)));
    const received = sockets.map((socket) => recordRoomEvents(socket, ROOM_EVENT_NAMES));
    // Every member at once: each join is a read of the room and must be recorded before its ack.
    const joins = await Promise.all(sockets.map((socket) => requestOk(socket, "room:join", { taskforceId: taskforce.id })));
    expect(joins).toHaveLength(MEMBERS);
    const sharer = await suite.connect(coordinator);
    await requestOk(sharer, "room:join", { taskforceId: taskforce.id });
    const shares = await Promise.all(leads.map((lead) => requestOk(sharer, "lead:share", { leadId: lead.id, note: "burst" })));
    const eventIds = shares.map((share) => share.id);
    await waitFor(() => received.every((events) => eventIds.every((id) => events.some((event) => event.id === id))), "every share at every member");

    const joinRecords = await prisma.auditEvent.findMany({ where: { action: "room.join", taskforceId: taskforce.id } });
    expect(joinRecords.map((row) => row.actorId).sort()).toEqual([...analysts.map((analyst) => analyst.id), coordinator.id].sort());
    const shareRecords = await prisma.auditEvent.findMany({ where: { action: "lead.share", taskforceId: taskforce.id } });
    expect(shareRecords).toHaveLength(SHARES);
    // Deliveries are recorded in batches, within about a second.
    const deliveries = async () => prisma.auditEvent.findMany({ where: { action: "room.deliver", taskforceId: taskforce.id } });
    await waitFor(async () => (await deliveries()).length >= SHARES, "a delivery record per share");
    const everyone = [...analysts.map((analyst) => analyst.id), coordinator.id].sort();
    const recipientsByEvent = new Map<string, string[]>();
    for (const row of await deliveries()) {
      const details = row.details as { eventId: string; recipients: string[] };
      recipientsByEvent.set(details.eventId, [...(recipientsByEvent.get(details.eventId) ?? []), ...details.recipients]);
    }
    expect([...recipientsByEvent.keys()].sort()).toEqual([...eventIds].sort());
    for (const recipients of recipientsByEvent.values()) expect([...new Set(recipients)].sort()).toEqual(everyone);

    await sealAudit();
    const total = await prisma.auditEvent.count();
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checked: total, unsealed: { count: 0, oldestAt: null } });
  });

  it("writes a read record while every database connection is busy for longer than a transaction may wait for one", async () => {
    // The embedded database is one connection; a server's pool is DATABASE_POOL_SIZE (10 by default).
    const busy = getDatabase().kind === "pglite" ? 1 : Number(process.env.DATABASE_POOL_SIZE ?? 10);
    const holding = Array.from({ length: busy }, () =>
      prisma.$transaction((tx) => tx.$executeRawUnsafe("SELECT pg_sleep(2.5)"), { maxWait: 10_000, timeout: 20_000 }),
    );
    // Let the holders take every connection first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = Date.now();
    await recordAudit({ action: "test.read_while_busy", details: { note: "waited" }, origin: { ip: "127.0.0.1", userAgent: null } });
    await Promise.all(holding);
    const row = await prisma.auditEvent.findFirstOrThrow({ where: { action: "test.read_while_busy" } });
    // Stored as given: the time in UTC, empty fields as NULL, details as JSON.
    expect(row).toMatchObject({ outcome: "ok", actorId: null, itemType: null, ip: "127.0.0.1", userAgent: null, details: { note: "waited" } });
    expect(row.at.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(row.at.getTime()).toBeLessThanOrEqual(Date.now());
  });
});
