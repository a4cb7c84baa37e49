// Retrying a realtime write safely (docs/realtime-protocol.md, "Retrying safely"): the same actor sending the
// same clientEventId again gets the first result, and nothing is written, audited or broadcast twice, across
// connections, racing sends and a server restart. Real Socket.IO clients against the real app in-process.
import { describe, expect, it } from "vitest";
import type { Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { createdItemOf, findCreate, insertCreate, writeChange } from "~/models/changes.server";
import { shareLead } from "~/models/lead-room.server";
import type { RoomFeedEvent } from "~/realtime/protocol";
import { createTeam } from "../helpers/factories";
import { request, requestOk, socketTestSuite, waitFor } from "../helpers/sockets";
import { createComment, createLead, requestReview } from "../helpers/edge";

const suite = socketTestSuite();
const { connect, member } = suite;

type Team = Awaited<ReturnType<typeof createTeam>>;

async function greenLead(team: Team, author: Actor, title = "Shampoo sold only in Poland 2016-2019") {
  return createLead(author, team.case.id, { title, handlingCode: "GREEN" });
}

/** Shared last and seen by everyone: once a socket has it, it has had every event before it. */
async function sentinel(team: Team) {
  const lead = await greenLead(team, team.coordinator, "Sentinel");
  await requestReview(team.coordinator, "LEAD", lead.id);
  return shareLead(team.coordinator, lead.id, "sentinel");
}

async function receivedUpTo(received: RoomFeedEvent[], marker: { id: string; seq: number }) {
  await waitFor(() => received.some((event) => event.id === marker.id), `event ${marker.seq}`);
}

const sharesOf = (received: RoomFeedEvent[], leadId: string) => received.filter((event) => event.type === "lead.shared" && event.itemId === leadId);
const sharedRows = (leadId: string) => prisma.roomEvent.count({ where: { type: "lead.shared", itemId: leadId } });

const newKey = () => crypto.randomUUID();

describe("lead:share with a clientEventId", () => {
  it("stores and broadcasts a repeated share once; every ack carries the first stored event", async () => {
    const team = await createTeam();
    const target = await greenLead(team, team.analyst);
    const watcher = await member(team.analystOtherAgency, team.taskforce.id);
    const sharer = await member(team.analyst, team.taskforce.id);
    const clientEventId = crypto.randomUUID();
    const first = await requestOk(sharer.socket, "lead:share", { leadId: target.id, note: "Same tiles as VID-12", clientEventId });
    // The retry comes over a new connection, as after a reconnect.
    const again = await connect(team.analyst);
    const second = await requestOk(again, "lead:share", { leadId: target.id, note: "Same tiles as VID-12", clientEventId });
    const third = await requestOk(sharer.socket, "lead:share", { leadId: target.id, note: "Same tiles as VID-12", clientEventId });

    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(second).not.toHaveProperty("visibility");
    expect(await sharedRows(target.id)).toBe(1);
    expect(await prisma.roomEvent.count({ where: { actorId: team.analyst.id, clientEventId } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { action: "lead.share", itemId: target.id } })).toBe(1);
    const marker = await sentinel(team);
    for (const socket of [watcher, sharer]) {
      await receivedUpTo(socket.received, marker);
      expect(sharesOf(socket.received, target.id).map((event) => event.id)).toEqual([first.id]);
    }
  });

  it("stores one share when two identical sends race each other", async () => {
    const team = await createTeam();
    const target = await greenLead(team, team.analyst);
    const sockets = [await connect(team.analyst), await connect(team.analyst), await connect(team.analyst)];
    const clientEventId = newKey();
    const acks = await Promise.all(sockets.map((socket) => requestOk(socket, "lead:share", { leadId: target.id, note: "race", clientEventId })));
    expect(new Set(acks.map((ack) => ack.id)).size).toBe(1);
    expect(new Set(acks.map((ack) => ack.seq)).size).toBe(1);
    expect(await sharedRows(target.id)).toBe(1);
    // The losers rolled back whole: no gap in the room's sequence, no extra audit record.
    const taskforce = await prisma.taskforce.findUniqueOrThrow({ where: { id: team.taskforce.id } });
    expect(await prisma.roomEvent.count({ where: { taskforceId: team.taskforce.id } })).toBe(taskforce.lastEventSeq);
    expect(await prisma.auditEvent.count({ where: { action: "lead.share", itemId: target.id } })).toBe(1);
  });

  it("keeps keys per actor: another user sending the same clientEventId shares on their own", async () => {
    const team = await createTeam();
    const target = await greenLead(team, team.analyst);
    const clientEventId = newKey();
    const mine = await requestOk(await connect(team.analyst), "lead:share", { leadId: target.id, note: "mine", clientEventId });
    const theirs = await requestOk(await connect(team.coordinator), "lead:share", { leadId: target.id, note: "theirs", clientEventId });
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.actorId).toBe(team.coordinator.id);
    expect(theirs.payload).toMatchObject({ note: "theirs" });
    expect(await sharedRows(target.id)).toBe(2);
  });

  it("shares again without a key, and with a new key", async () => {
    const team = await createTeam();
    const target = await greenLead(team, team.analyst);
    const socket = await connect(team.analyst);
    await requestOk(socket, "lead:share", { leadId: target.id });
    await requestOk(socket, "lead:share", { leadId: target.id });
    await requestOk(socket, "lead:share", { leadId: target.id, clientEventId: newKey() });
    await requestOk(socket, "lead:share", { leadId: target.id, clientEventId: newKey() });
    expect(await sharedRows(target.id)).toBe(4);
  });

  it("refuses an invalid clientEventId with VALIDATION_FAILED on the field, and writes nothing", async () => {
    const team = await createTeam();
    const target = await greenLead(team, team.analyst);
    const socket = await connect(team.analyst);
    for (const clientEventId of ["short", "x".repeat(65), "has spaces in it", "semi;colon;key", "ümlaut-key-1234", 12345678, null, ""]) {
      expect(await request(socket, "lead:share", { leadId: target.id, clientEventId })).toMatchObject({
        ok: false,
        error: { code: "VALIDATION_FAILED", fields: { clientEventId: [expect.stringContaining("clientEventId")] } },
      });
    }
    expect(await request(socket, "clue:create", { caseId: team.case.id, clue: { category: "architecture_fixture", value: "Socket type F" }, clientEventId: "no" })).toMatchObject({
      ok: false,
      error: { code: "VALIDATION_FAILED", fields: { clientEventId: expect.any(Array) } },
    });
    expect(await sharedRows(target.id)).toBe(0);
    for (const clientEventId of ["abcdefgh", "A".repeat(64), "a_b-c_d-1234", crypto.randomUUID()]) {
      expect((await request(socket, "lead:share", { leadId: target.id, clientEventId })).ok).toBe(true);
    }
  });

  it("refuses a key reused for a different action, and leaves a key free when its first send failed", async () => {
    const team = await createTeam();
    const first = await greenLead(team, team.analyst, "First lead");
    const other = await greenLead(team, team.analyst, "Other lead");
    const socket = await connect(team.analyst);
    const clientEventId = newKey();
    await requestOk(socket, "lead:share", { leadId: first.id, clientEventId });
    expect(await request(socket, "lead:share", { leadId: other.id, clientEventId })).toMatchObject({
      ok: false,
      error: { code: "VALIDATION_FAILED", fields: { clientEventId: expect.any(Array) } },
    });
    expect(await request(socket, "comment:create", { itemType: "LEAD", itemId: first.id, body: "x", clientEventId })).toMatchObject({
      ok: false,
      error: { code: "VALIDATION_FAILED", fields: { clientEventId: expect.any(Array) } },
    });
    expect(await sharedRows(other.id)).toBe(0);

    const failedKey = newKey();
    expect(await request(socket, "lead:share", { leadId: "no-such-lead", clientEventId: failedKey })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect((await request(socket, "lead:share", { leadId: other.id, clientEventId: failedKey })).ok).toBe(true);
    expect(await sharedRows(other.id)).toBe(1);
  });
});

describe("create events with a clientEventId", () => {
  it("creates a clue, a lead, a task and a comment once each; the retry's ack is the item as first written", async () => {
    const team = await createTeam();
    const target = await greenLead(team, team.analyst);
    const watcher = await member(team.analystOtherAgency, team.taskforce.id);
    const analyst = await connect(team.analyst);
    const coordinator = await connect(team.coordinator);
    const writes = [
      { socket: analyst, event: "clue:create", payload: { caseId: team.case.id, clue: { category: "architecture_fixture", value: "Power socket type F" } }, type: "clue.created" },
      { socket: analyst, event: "lead:create", payload: { caseId: team.case.id, lead: { title: "Tiles from a 2015 catalogue", handlingCode: "GREEN" } }, type: "lead.created" },
      { socket: coordinator, event: "task:assign", payload: { caseId: team.case.id, task: { title: "Check catalogue", assigneeId: team.analyst.id } }, type: "task.assigned" },
      { socket: analyst, event: "comment:create", payload: { itemType: "LEAD", itemId: target.id, body: "Same tiles as VID-12" }, type: "comment.created" },
    ] as const;
    const created: { type: string; id: string }[] = [];
    for (const write of writes) {
      const clientEventId = newKey();
      const first = await requestOk(write.socket, write.event, { ...write.payload, clientEventId });
      const again = await requestOk(write.socket, write.event, { ...write.payload, clientEventId });
      expect(again.item).toEqual(first.item);
      expect(await prisma.roomEvent.count({ where: { type: write.type, itemId: first.item.id as string } })).toBe(1);
      expect(await prisma.roomEvent.count({ where: { clientEventId } })).toBe(1);
      created.push({ type: write.type, id: first.item.id as string });
    }
    expect(await prisma.clue.count({ where: { caseId: team.case.id, value: "Power socket type F" } })).toBe(1);
    expect(await prisma.lead.count({ where: { caseId: team.case.id, title: "Tiles from a 2015 catalogue" } })).toBe(1);
    expect(await prisma.task.count({ where: { caseId: team.case.id, title: "Check catalogue" } })).toBe(1);
    expect(await prisma.comment.count({ where: { itemId: target.id } })).toBe(1);
    const marker = await sentinel(team);
    await receivedUpTo(watcher.received, marker);
    for (const { type, id } of created) expect(watcher.received.filter((event) => event.type === type && event.itemId === id)).toHaveLength(1);
  });
});

describe("a send that loses the race", () => {
  it("fails on the unique index, rolls back whole and answers with the winner's result", async () => {
    const team = await createTeam();
    const target = await greenLead(team, team.analyst);
    const clientEventId = newKey();
    const input = { itemType: "LEAD", itemId: target.id, body: "Same tiles as VID-12" };
    const options = { idempotencyKey: clientEventId, keyField: "clientEventId" };
    const match = { type: "comment.created" as const };
    // This send looks and finds nothing; the other send then commits; this one's insert meets the index.
    expect(await findCreate(team.analyst, options, match)).toBeNull();
    const winner = await createComment(team.analyst, input, options);
    const result = await insertCreate(
      team.analyst,
      options,
      match,
      async (ctx) => {
        const comment = await ctx.tx.comment.create({
          data: { itemType: "LEAD", itemId: target.id, caseId: target.caseId, taskforceId: team.taskforce.id, authorId: team.analyst.id, body: input.body, visibility: { taskforceId: team.taskforce.id, taskforceWide: true } },
        });
        await ctx.audit({ action: "comment.create", itemType: "COMMENT", itemId: comment.id, taskforceId: team.taskforce.id });
        await ctx.event({ taskforceId: team.taskforce.id, type: "comment.created", itemType: "COMMENT", itemId: comment.id, visibility: { taskforceId: team.taskforce.id, taskforceWide: true }, payload: { loser: true } });
        return { loser: true } as Record<string, unknown>;
      },
      createdItemOf<Record<string, unknown>>,
    );
    expect(winner).not.toBeNull();
    expect(result).toEqual(winner);
    expect(await prisma.comment.count({ where: { itemId: target.id } })).toBe(1);
    expect(await prisma.roomEvent.count({ where: { type: "comment.created", actorId: team.analyst.id, clientEventId } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { action: "comment.create", taskforceId: team.taskforce.id } })).toBe(1);
  });

  // A share runs as plain statements on a transaction of its own (WriteKind "statements"): the same guarantees.
  it("loses the race the same way when the write runs as plain statements, and leaves no half-written share", async () => {
    const team = await createTeam();
    const target = await greenLead(team, team.analyst);
    const clientEventId = newKey();
    const options = { idempotencyKey: clientEventId, keyField: "clientEventId" };
    const match = { type: "lead.shared" as const, itemId: target.id };
    expect(await findCreate(team.analyst, options, match)).toBeNull();
    const winner = await shareLead(team.analyst, target.id, "winner", options);
    const result = await insertCreate(
      team.analyst,
      options,
      match,
      async (ctx) => {
        await ctx.audit({ action: "lead.share", itemType: "LEAD", itemId: target.id, taskforceId: team.taskforce.id, details: { note: "loser" } });
        return ctx.event({ taskforceId: team.taskforce.id, type: "lead.shared", itemType: "LEAD", itemId: target.id, visibility: { taskforceId: team.taskforce.id, taskforceWide: true }, payload: { note: "loser" } });
      },
      (stored) => stored,
      "statements",
    );
    expect(result.id).toBe(winner.id);
    expect(await sharedRows(target.id)).toBe(1);
    expect(await prisma.auditEvent.count({ where: { action: "lead.share", itemId: target.id } })).toBe(1);
  });

  it("refuses the ORM inside a write of plain statements, and rolls back what it wrote", async () => {
    const team = await createTeam();
    const target = await greenLead(team, team.analyst);
    await expect(
      writeChange(
        team.analyst,
        async (ctx) => {
          await ctx.audit({ action: "lead.share", itemType: "LEAD", itemId: target.id, taskforceId: team.taskforce.id });
          return ctx.tx.lead.findUnique({ where: { id: target.id } });
        },
        "statements",
      ),
    ).rejects.toThrow(/plain statements/);
    expect(await prisma.auditEvent.count({ where: { action: "lead.share", itemId: target.id } })).toBe(0);
  });
});

describe("across a server restart", () => {
  it("answers a retry sent after the restart with the share stored before it", async () => {
    const team = await createTeam();
    const target = await greenLead(team, team.analyst);
    const clientEventId = crypto.randomUUID();
    const before = await requestOk(await connect(team.analyst), "lead:share", { leadId: target.id, note: "before the restart", clientEventId });

    await suite.stop();
    suite.closeSockets();
    await suite.start();

    const watcher = await member(team.analystOtherAgency, team.taskforce.id);
    const after = await requestOk(await connect(team.analyst), "lead:share", { leadId: target.id, note: "before the restart", clientEventId });
    expect(after).toEqual(before);
    expect(await sharedRows(target.id)).toBe(1);
    const marker = await sentinel(team);
    await receivedUpTo(watcher.received, marker);
    expect(sharesOf(watcher.received, target.id)).toHaveLength(0);
  });
});
