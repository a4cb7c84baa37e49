// Taskforce rooms over real Socket.IO connections (loopback, the real app in-process): who may connect and
// join, every client event for every role, handling-code filtering of broadcasts, revocation, replay.
import type { HandlingCode } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { loadActor, type Actor } from "~/auth/permissions.server";
import { signOutEverywhere } from "~/auth/session.server";
import { prisma } from "~/db.server";
import { shareLead } from "~/models/lead-room.server";
import { removeTaskforceMember } from "~/models/taskforces.server";
import { revokeAccessToken } from "~/models/tokens.server";
import { suspendUser } from "~/models/users.server";
import { applyPresenceDiff } from "~/realtime/presence";
import { ROOM_EVENT_NAMES, type PresenceDiff, type PresenceEntry, type RoomFeedEvent } from "~/realtime/protocol";
import { addMember, createTaskforce, createTeam, createUser } from "../helpers/factories";
import { createLead, requestReview } from "../helpers/edge";
import { sessionCookie } from "../helpers/pages";
import { TEST_DB } from "../helpers/test-db";
import { accessTokenFor, connectAs, connectSocket, connectWithToken, recordRoomEvents, socketTestSuite, request, requestOk, waitFor } from "../helpers/sockets";

// The periodic re-check of open sockets, short here so a test can wait for it.
process.env.REALTIME_RECHECK_SECONDS = "0.5";
const suite = socketTestSuite();
const { connect, member } = suite;

type Team = Awaited<ReturnType<typeof createTeam>>;

async function lead(team: Team, author: Actor, options: { handlingCode?: HandlingCode; recipientIds?: string[]; title?: string } = {}) {
  return createLead(author, team.case.id, { title: options.title ?? "Shampoo sold only in Poland 2016-2019", ...options });
}

/**
 * A lead everyone in the room sees (GREEN, under review so liaisons too), shared last: events reach a socket
 * in seq order, so once a socket has it, it has had everything before it.
 */
async function sentinel(team: Team): Promise<RoomFeedEvent> {
  const open = await lead(team, team.coordinator, { handlingCode: "GREEN", title: "Sentinel" });
  await requestReview(team.coordinator, "LEAD", open.id);
  const event = await shareLead(team.coordinator, open.id, "sentinel");
  return { ...event, visibility: undefined } as unknown as RoomFeedEvent;
}

async function receivedUpTo(received: RoomFeedEvent[], marker: RoomFeedEvent) {
  await waitFor(() => received.some((event) => event.id === marker.id), `event ${marker.seq}`);
}

const shared = (received: RoomFeedEvent[], leadId: string) => received.filter((event) => event.type === "lead.shared" && event.itemId === leadId);

describe("handshake", () => {
  it("accepts a signed-in session (second factor done) from an allowed origin", async () => {
    const team = await createTeam();
    const socket = await connect(team.analyst);
    expect(socket.connected).toBe(true);
  });

  it("refuses a connection without a session", async () => {
    await expect(connectSocket(suite.url, {})).rejects.toMatchObject({ data: { code: "UNAUTHENTICATED" } });
  });

  it("refuses a session whose second factor is not done", async () => {
    const user = await createUser();
    const cookie = await sessionCookie(user.id, { mfaVerified: false });
    await expect(connectSocket(suite.url, { cookie })).rejects.toMatchObject({ data: { code: "UNAUTHENTICATED" } });
  });

  it("refuses a suspended user", async () => {
    const user = await createUser();
    const cookie = await sessionCookie(user.id);
    await prisma.user.update({ where: { id: user.id }, data: { status: "SUSPENDED" } });
    await expect(connectSocket(suite.url, { cookie })).rejects.toMatchObject({ data: { code: "UNAUTHENTICATED" } });
  });

  it("refuses a handshake from a foreign origin (cross-site WebSocket hijacking), over websocket and polling", async () => {
    const user = await createUser();
    const cookie = await sessionCookie(user.id);
    await expect(connectSocket(suite.url, { cookie, origin: "https://evil.example" })).rejects.toThrow();
    await expect(connectSocket(suite.url, { cookie, origin: "https://evil.example", transports: ["polling"] })).rejects.toThrow();
  });

  it("refuses a session cookie sent without an Origin by something that is not a same-origin page", async () => {
    const user = await createUser();
    const cookie = await sessionCookie(user.id);
    await expect(connectSocket(suite.url, { cookie, origin: null })).rejects.toMatchObject({ data: { code: "ORIGIN_NOT_ALLOWED" } });
  });

  it("accepts a tool's personal access token in auth.token without an Origin, with its owner's permissions", async () => {
    const team = await createTeam();
    const user = await prisma.user.findUniqueOrThrow({ where: { id: team.analyst.id } });
    const socket = await connectWithToken(suite.url, user);
    suite.track(socket);
    expect((await request(socket, "room:join", { taskforceId: team.taskforce.id })).ok).toBe(true);
    const outsider = await prisma.user.findUniqueOrThrow({ where: { id: team.outsider.id } });
    const outsiderSocket = await connectWithToken(suite.url, outsider);
    suite.track(outsiderSocket);
    expect(await request(outsiderSocket, "room:join", { taskforceId: team.taskforce.id })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });

  it("refuses an invalid token, a token from a foreign origin, and a token in the URL", async () => {
    const user = await createUser();
    await expect(connectSocket(suite.url, { token: "cbt_not-a-real-token", origin: null })).rejects.toMatchObject({ data: { code: "UNAUTHENTICATED" } });
    const token = await accessTokenFor(user);
    await expect(connectSocket(suite.url, { token, origin: "https://evil.example" })).rejects.toThrow();
    await expect(connectSocket(`${suite.url}?token=${token}`, { origin: null })).rejects.toMatchObject({ data: { code: "UNAUTHENTICATED" } });
  });
});

describe("joining a room", () => {
  it("lets analysts, coordinators and liaisons of the taskforce join, with presence and the last event id", async () => {
    const team = await createTeam();
    for (const user of [team.analyst, team.coordinator, team.liaison]) {
      const { joined } = await member(user, team.taskforce.id);
      expect(joined.taskforceId).toBe(team.taskforce.id);
      expect(joined.presence.map((entry) => entry.userId)).toContain(user.id);
      expect(typeof joined.lastEventId).toBe("number");
    }
  });

  it("gives everyone in a burst of joins the whole room: the join's list (as of the last diff, plus the joiner) and the diffs after it", async () => {
    const taskforce = await createTaskforce();
    const people = await Promise.all(Array.from({ length: 30 }, () => createUser({ role: "ANALYST", taskforceIds: [taskforce.id] })));
    const sockets = await Promise.all(people.map((person) => connect(person)));
    // As the browser does: diffs applied as they come, the list replaced by the join's when its ack arrives.
    const lists = sockets.map((socket) => {
      const view = { list: [] as PresenceEntry[], ownIncluded: false };
      socket.on("presence:diff", (diff) => (view.list = applyPresenceDiff(view.list, diff)));
      return view;
    });
    await Promise.all(
      sockets.map(
        (socket, i) =>
          new Promise<void>((resolve, reject) =>
            socket.emit("room:join", { taskforceId: taskforce.id }, (ack) => {
              if (!ack.ok) return reject(new Error(ack.error.code));
              lists[i].list = ack.data.presence;
              lists[i].ownIncluded = ack.data.presence.some((entry) => entry.userId === people[i].id);
              resolve();
            }),
          ),
      ),
    );
    expect(lists.every((view) => view.ownIncluded)).toBe(true);
    const everyone = people.map((person) => person.id).sort();
    await waitFor(() => lists.every((view) => view.list.map((entry) => entry.userId).sort().join() === everyone.join()), "everyone's list to hold everyone");
  });

  it("answers NOT_FOUND to a user outside the taskforce and FORBIDDEN to an admin", async () => {
    const team = await createTeam();
    const outsider = await connect(team.outsider);
    expect(await request(outsider, "room:join", { taskforceId: team.taskforce.id })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    const admin = await connect(team.admin);
    expect(await request(admin, "room:join", { taskforceId: team.taskforce.id })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  });

  it("checks membership in the database at every join, not from what the socket knew", async () => {
    const team = await createTeam();
    const socket = await connect(team.analyst);
    await prisma.taskforceMember.delete({ where: { taskforceId_userId: { taskforceId: team.taskforce.id, userId: team.analyst.id } } });
    expect(await request(socket, "room:join", { taskforceId: team.taskforce.id })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });

  it("shows who is in the room and which lead they view, only to those who may see that lead", async () => {
    const team = await createTeam();
    const red = await lead(team, team.analyst, { handlingCode: "RED" });
    const viewer = await member(team.analyst, team.taskforce.id);
    const other = await member(team.analystOtherAgency, team.taskforce.id);
    // Each applies the diffs it is sent to the presence its join answered with, as the browser does.
    const diffs: PresenceDiff[] = [];
    let seenByOther = other.joined.presence;
    other.socket.on("presence:diff", (diff) => {
      diffs.push(diff);
      seenByOther = applyPresenceDiff(seenByOther, diff);
    });
    let seenByViewer = viewer.joined.presence;
    viewer.socket.on("presence:diff", (diff) => (seenByViewer = applyPresenceDiff(seenByViewer, diff)));
    await requestOk(viewer.socket, "presence:viewing", { taskforceId: team.taskforce.id, leadId: red.id });
    await waitFor(() => seenByViewer.some((p) => p.userId === team.analyst.id && p.viewingLeadIds.includes(red.id)), "viewer's own presence");
    await waitFor(() => seenByOther.some((p) => p.userId === team.analyst.id), "presence for the other");
    // The viewer's own view and a later join both know what the viewer looks at; the other agency never hears the lead's id.
    const later = await member(team.coordinator, team.taskforce.id);
    expect(later.joined.presence.find((p) => p.userId === team.analyst.id)?.viewingLeadIds).toEqual([]);
    const author = await member(team.analyst, team.taskforce.id);
    expect(author.joined.presence.find((p) => p.userId === team.analyst.id)?.viewingLeadIds).toEqual([red.id]);
    for (const diff of diffs) expect(JSON.stringify(diff)).not.toContain(red.id);
    for (const entry of seenByOther) expect(entry.viewingLeadIds).not.toContain(red.id);
    // The other analyst cannot claim to view a lead they may not see.
    expect(await request(other.socket, "presence:viewing", { taskforceId: team.taskforce.id, leadId: red.id })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });

  it("keeps a person in the room while any of their sockets is there, and lets them go with the last", async () => {
    const team = await createTeam();
    const open = await lead(team, team.coordinator, { handlingCode: "GREEN", title: "Seen from the second tab" });
    const observer = await member(team.coordinator, team.taskforce.id);
    const first = await member(team.analyst, team.taskforce.id);
    const second = await member(team.analyst, team.taskforce.id);
    let seen = observer.joined.presence;
    const left: string[] = [];
    observer.socket.on("presence:diff", (diff) => {
      left.push(...diff.left);
      seen = applyPresenceDiff(seen, diff);
    });
    await waitFor(() => seen.some((p) => p.userId === team.analyst.id), "the analyst in the observer's list");
    await requestOk(first.socket, "room:leave", { taskforceId: team.taskforce.id });
    // Still there through the second socket, whose view the room is told of.
    await requestOk(second.socket, "presence:viewing", { taskforceId: team.taskforce.id, leadId: open.id });
    await waitFor(() => seen.some((p) => p.userId === team.analyst.id && p.viewingLeadIds.includes(open.id)), "the second socket's view");
    expect(left).not.toContain(team.analyst.id);
    await requestOk(second.socket, "room:leave", { taskforceId: team.taskforce.id });
    await waitFor(() => !seen.some((p) => p.userId === team.analyst.id), "the analyst gone with the last socket");
  });

  it("stops sending events after room:leave", async () => {
    const team = await createTeam();
    const leaving = await member(team.analyst, team.taskforce.id);
    const staying = await member(team.coordinator, team.taskforce.id);
    await requestOk(leaving.socket, "room:leave", { taskforceId: team.taskforce.id });
    const marker = await sentinel(team);
    await receivedUpTo(staying.received, marker);
    expect(leaving.received.find((event) => event.id === marker.id)).toBeUndefined();
  });
});

describe("sharing a lead", () => {
  it("stores the event, acks it with its id and seq, and every member sees it live without its visibility", async () => {
    const team = await createTeam();
    const target = await lead(team, team.analyst);
    const sharer = await member(team.analyst, team.taskforce.id);
    const coordinator = await member(team.coordinator, team.taskforce.id);
    const otherAgency = await member(team.analystOtherAgency, team.taskforce.id);
    const event = await requestOk(sharer.socket, "lead:share", { leadId: target.id, note: "Matches the tiles in series 7" });
    expect(event).toMatchObject({ type: "lead.shared", itemId: target.id, taskforceId: team.taskforce.id });
    expect(event.seq).toBeGreaterThan(0);
    expect(event).not.toHaveProperty("visibility");
    const stored = await prisma.roomEvent.findUniqueOrThrow({ where: { taskforceId_seq: { taskforceId: team.taskforce.id, seq: event.seq } } });
    expect(stored.id.toString()).toBe(event.id);
    for (const recipient of [coordinator, otherAgency, sharer]) {
      await waitFor(() => shared(recipient.received, target.id).length === 1, "the shared lead");
      const live = shared(recipient.received, target.id)[0];
      expect(live.id).toBe(event.id);
      expect(live).not.toHaveProperty("visibility");
      expect(live.payload).toMatchObject({ note: "Matches the tiles in series 7", lead: { id: target.id } });
    }
    expect(await prisma.auditEvent.count({ where: { action: "lead.share", itemId: target.id } })).toBe(1);
  });

  it("lets a coordinator share; refuses a liaison (FORBIDDEN on a reviewed lead, NOT_FOUND otherwise) and an outsider", async () => {
    const team = await createTeam();
    const target = await lead(team, team.analyst, { handlingCode: "GREEN" });
    const coordinator = await connect(team.coordinator);
    expect((await request(coordinator, "lead:share", { leadId: target.id })).ok).toBe(true);
    const liaison = await connect(team.liaison);
    expect(await request(liaison, "lead:share", { leadId: target.id })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    await requestReview(team.analyst, "LEAD", target.id);
    expect(await request(liaison, "lead:share", { leadId: target.id })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const outsider = await connect(team.outsider);
    expect(await request(outsider, "lead:share", { leadId: target.id })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });
});

describe("handling codes on broadcasts", () => {
  it("delivers a TLP:RED lead only to its author and named recipients", async () => {
    const team = await createTeam();
    const red = await lead(team, team.analyst, { handlingCode: "RED", recipientIds: [team.analystOtherAgency.id] });
    const author = await member(team.analyst, team.taskforce.id);
    const recipient = await member(team.analystOtherAgency, team.taskforce.id);
    const coordinator = await member(team.coordinator, team.taskforce.id);
    const liaison = await member(team.liaison, team.taskforce.id);
    await requestOk(author.socket, "lead:share", { leadId: red.id, note: "red" });
    const marker = await sentinel(team);
    for (const socket of [author, recipient, coordinator, liaison]) await receivedUpTo(socket.received, marker);
    expect(shared(author.received, red.id)).toHaveLength(1);
    expect(shared(recipient.received, red.id)).toHaveLength(1);
    expect(shared(coordinator.received, red.id)).toHaveLength(0);
    expect(liaison.received.some((event) => event.itemId === red.id)).toBe(false);
  });

  it("audits each live delivery: one record per event naming exactly who received it", async () => {
    const team = await createTeam();
    const red = await lead(team, team.analyst, { handlingCode: "RED", recipientIds: [team.analystOtherAgency.id] });
    const author = await member(team.analyst, team.taskforce.id);
    const recipient = await member(team.analystOtherAgency, team.taskforce.id);
    const coordinator = await member(team.coordinator, team.taskforce.id);
    const stored = await requestOk(author.socket, "lead:share", { leadId: red.id, note: "who saw this?" });
    const marker = await sentinel(team);
    for (const socket of [author, recipient, coordinator]) await receivedUpTo(socket.received, marker);
    const deliveryOf = () => prisma.auditEvent.findMany({ where: { action: "room.deliver", itemId: red.id } });
    await waitFor(async () => (await deliveryOf()).some((row) => (row.details as { eventId?: string }).eventId === stored.id), "the delivery audit");
    const row = (await deliveryOf()).find((candidate) => (candidate.details as { eventId?: string }).eventId === stored.id)!;
    expect((row.details as { recipients: string[] }).recipients).toEqual([team.analyst.id, team.analystOtherAgency.id].sort());
  });

  it("delivers a TLP:AMBER+STRICT lead only within the author's agency, and nothing to a liaison before review", async () => {
    const team = await createTeam();
    const strict = await lead(team, team.analyst, { handlingCode: "AMBER_STRICT" });
    const sameAgency = await member(team.coordinator, team.taskforce.id);
    const otherAgency = await member(team.analystOtherAgency, team.taskforce.id);
    const liaison = await member(team.liaison, team.taskforce.id);
    const sharer = await connect(team.analyst);
    await requestOk(sharer, "lead:share", { leadId: strict.id });
    const marker = await sentinel(team);
    for (const socket of [sameAgency, otherAgency, liaison]) await receivedUpTo(socket.received, marker);
    expect(shared(sameAgency.received, strict.id)).toHaveLength(1);
    expect(shared(otherAgency.received, strict.id)).toHaveLength(0);
    expect(liaison.received.some((event) => event.itemId === strict.id)).toBe(false);
  });

  it("delivers to a liaison once the lead is submitted for review", async () => {
    const team = await createTeam();
    const green = await lead(team, team.analyst, { handlingCode: "GREEN" });
    const liaison = await member(team.liaison, team.taskforce.id);
    await requestReview(team.analyst, "LEAD", green.id);
    const event = await shareLead(team.analyst, green.id, "for review");
    await waitFor(() => liaison.received.some((received) => received.id === event.id), "the reviewed lead");
  });
});

describe("writing over the socket", () => {
  it("creates and updates clues: analysts and coordinators yes, liaisons and outsiders no", async () => {
    const team = await createTeam();
    const room = await member(team.coordinator, team.taskforce.id);
    const analyst = await connect(team.analyst);
    const created = await requestOk(analyst, "clue:create", { caseId: team.case.id, clue: { category: "architecture_fixture", value: "Power socket type F" } });
    const clueId = created.item.id as string;
    await waitFor(() => room.received.some((event) => event.type === "clue.created" && event.itemId === clueId), "clue.created");
    expect((await request(analyst, "clue:update", { clueId, changes: { version: 1, detail: "Seen behind the bed" } })).ok).toBe(true);
    await waitFor(() => room.received.some((event) => event.type === "clue.updated" && event.itemId === clueId), "clue.updated");
    const other = await connect(team.analystOtherAgency);
    expect(await request(other, "clue:update", { clueId, changes: { version: 2, detail: "x" } })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const liaison = await connect(team.liaison);
    expect((await request(liaison, "clue:create", { caseId: team.case.id, clue: { category: created.item.categoryKey, value: "x" } })).ok).toBe(false);
    const outsider = await connect(team.outsider);
    expect(await request(outsider, "clue:create", { caseId: team.case.id, clue: { category: created.item.categoryKey, value: "x" } })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });

  it("creates and updates leads; an analyst may not edit someone else's lead", async () => {
    const team = await createTeam();
    const room = await member(team.coordinator, team.taskforce.id);
    const analyst = await connect(team.analyst);
    const created = await requestOk(analyst, "lead:create", { caseId: team.case.id, lead: { title: "Tiles from a 2015 catalogue" } });
    const leadId = created.item.id as string;
    await waitFor(() => room.received.some((event) => event.type === "lead.created" && event.itemId === leadId), "lead.created");
    expect((await request(analyst, "lead:update", { leadId, changes: { version: 1, priority: "HIGH" } })).ok).toBe(true);
    await waitFor(() => room.received.some((event) => event.type === "lead.updated" && event.itemId === leadId), "lead.updated");
    const other = await connect(team.analystOtherAgency);
    expect(await request(other, "lead:update", { leadId, changes: { version: 2, priority: "LOW" } })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const liaison = await connect(team.liaison);
    expect((await request(liaison, "lead:create", { caseId: team.case.id, lead: { title: "x" } })).ok).toBe(false);
  });

  it("assigns tasks (coordinators only) and lets the assignee update theirs", async () => {
    const team = await createTeam();
    const room = await member(team.analyst, team.taskforce.id);
    const coordinator = await connect(team.coordinator);
    const created = await requestOk(coordinator, "task:assign", { caseId: team.case.id, task: { title: "Check catalogue", assigneeId: team.analyst.id } });
    const taskId = created.item.id as string;
    await waitFor(() => room.received.some((event) => event.type === "task.assigned" && event.itemId === taskId), "task.assigned");
    const analyst = await connect(team.analyst);
    expect((await request(analyst, "task:assign", { caseId: team.case.id, task: { title: "x", assigneeId: team.analyst.id } })).ok).toBe(false);
    expect((await request(analyst, "task:update", { taskId, changes: { version: 1, status: "DOING" } })).ok).toBe(true);
    await waitFor(() => room.received.some((event) => event.type === "task.updated" && event.itemId === taskId), "task.updated");
    const other = await connect(team.analystOtherAgency);
    expect((await request(other, "task:update", { taskId, changes: { version: 2, status: "DONE" } })).ok).toBe(false);
    const liaison = await connect(team.liaison);
    expect((await request(liaison, "task:update", { taskId, changes: { version: 2, status: "DONE" } })).ok).toBe(false);
  });

  it("posts comments; a liaison only on an item under review", async () => {
    const team = await createTeam();
    const green = await lead(team, team.analyst, { handlingCode: "GREEN" });
    const room = await member(team.coordinator, team.taskforce.id);
    const analyst = await connect(team.analyst);
    const created = await requestOk(analyst, "comment:create", { itemType: "LEAD", itemId: green.id, body: "Same tiles as VID-12" });
    await waitFor(() => room.received.some((event) => event.type === "comment.created" && event.itemId === created.item.id), "comment.created");
    const liaison = await connect(team.liaison);
    expect(await request(liaison, "comment:create", { itemType: "LEAD", itemId: green.id, body: "?" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    await requestReview(team.analyst, "LEAD", green.id);
    expect((await request(liaison, "comment:create", { itemType: "LEAD", itemId: green.id, body: "Approved wording?" })).ok).toBe(true);
  });

  it("takes review decisions from liaisons only", async () => {
    const team = await createTeam();
    const green = await lead(team, team.analyst, { handlingCode: "GREEN" });
    await requestReview(team.analyst, "LEAD", green.id);
    const room = await member(team.analyst, team.taskforce.id);
    const coordinator = await connect(team.coordinator);
    expect(await request(coordinator, "review:decide", { itemType: "LEAD", itemId: green.id, decision: "APPROVED" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const liaison = await connect(team.liaison);
    expect(await request(liaison, "review:decide", { itemType: "LEAD", itemId: green.id, decision: "REJECTED" })).toMatchObject({
      ok: false,
      error: { code: "VALIDATION_FAILED", fields: { note: expect.any(Array) } },
    });
    expect((await request(liaison, "review:decide", { itemType: "LEAD", itemId: green.id, decision: "APPROVED", note: "OK to disseminate" })).ok).toBe(true);
    await waitFor(() => room.received.some((event) => event.type === "review.decided" && event.itemId === green.id), "review.decided");
  });
});

describe("claiming a lead", () => {
  it("shows a claim live, tells a second analyst who holds it, and refuses their claim", async () => {
    const team = await createTeam();
    const target = await lead(team, team.analyst);
    const holder = await member(team.analyst, team.taskforce.id);
    const second = await member(team.analystOtherAgency, team.taskforce.id);
    const claim = await requestOk(holder.socket, "lead:claim", { leadId: target.id });
    expect(claim.holder?.id).toBe(team.analyst.id);
    await waitFor(() => second.received.some((event) => event.type === "lead.claimed" && event.itemId === target.id), "lead.claimed");
    const viewing = await requestOk(second.socket, "presence:viewing", { taskforceId: team.taskforce.id, leadId: target.id });
    expect(viewing.claim?.holder?.id).toBe(team.analyst.id);
    const refused = await request(second.socket, "lead:claim", { leadId: target.id });
    expect(refused).toMatchObject({ ok: false, error: { code: "CLAIMED", claim: { holder: { id: team.analyst.id } } } });
    expect(await request(second.socket, "lead:release", { leadId: target.id })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await request(second.socket, "lead:reassignClaim", { leadId: target.id, toUserId: team.analystOtherAgency.id })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
    expect((await requestOk(holder.socket, "lead:release", { leadId: target.id })).holder).toBeNull();
    await waitFor(() => second.received.some((event) => event.type === "lead.released" && event.itemId === target.id), "lead.released");
    expect((await requestOk(second.socket, "lead:claim", { leadId: target.id })).holder?.id).toBe(team.analystOtherAgency.id);
  });

  it("lets a coordinator reassign a claim to a member who may work the lead, not to an outsider", async () => {
    const team = await createTeam();
    const target = await lead(team, team.analyst);
    const coordinator = await connect(team.coordinator);
    const analyst = await connect(team.analyst);
    await requestOk(analyst, "lead:claim", { leadId: target.id });
    const reassigned = await requestOk(coordinator, "lead:reassignClaim", { leadId: target.id, toUserId: team.analystOtherAgency.id });
    expect(reassigned.holder?.id).toBe(team.analystOtherAgency.id);
    expect(await request(coordinator, "lead:reassignClaim", { leadId: target.id, toUserId: team.outsider.id })).toMatchObject({
      ok: false,
      error: { code: "VALIDATION_FAILED", fields: { toUserId: expect.any(Array) } },
    });
    expect((await requestOk(analyst, "lead:getClaim", { leadId: target.id })).holder?.id).toBe(team.analystOtherAgency.id);
    const liaison = await connect(team.liaison);
    expect(await request(liaison, "lead:claim", { leadId: target.id })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });

  it("lets an expired claim lapse", async () => {
    const team = await createTeam();
    const target = await lead(team, team.analyst);
    await prisma.lead.update({ where: { id: target.id }, data: { claimedById: team.analyst.id, claimExpiresAt: new Date(Date.now() - 1000) } });
    const second = await connect(team.analystOtherAgency);
    expect((await requestOk(second, "lead:getClaim", { leadId: target.id })).holder).toBeNull();
    expect((await requestOk(second, "lead:claim", { leadId: target.id })).holder?.id).toBe(team.analystOtherAgency.id);
  });
});

describe("guards on client events", () => {
  it("refuses binary attachments with BINARY_REFUSED", async () => {
    const team = await createTeam();
    const target = await lead(team, team.analyst);
    const socket = await connect(team.analyst);
    expect(await request(socket, "lead:share", { leadId: target.id, note: Buffer.from([0x89, 0x50, 0x4e, 0x47]) })).toMatchObject({
      ok: false,
      error: { code: "BINARY_REFUSED" },
    });
    expect(await prisma.roomEvent.count({ where: { itemId: target.id } })).toBe(1);
  });

  it("refuses media smuggled into text with a per-field message", async () => {
    const team = await createTeam();
    const target = await lead(team, team.analyst);
    const socket = await connect(team.analyst);
    const response = await request(socket, "lead:share", { leadId: target.id, note: '<img src="https://x.example/a.png">' });
    expect(response).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED", fields: { note: [expect.stringContaining("text-only")] } } });
  });

  it("refuses malformed payloads with per-field errors", async () => {
    const team = await createTeam();
    const socket = await connect(team.analyst);
    expect(await request(socket, "room:join", { taskforceId: team.taskforce.id, lastEventId: -3 })).toMatchObject({
      ok: false,
      error: { code: "VALIDATION_FAILED", fields: { lastEventId: expect.any(Array) } },
    });
    expect(await request(socket, "lead:share", "not an object")).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED" } });
  });

  it("ignores an event sent without an acknowledgement callback, and keeps the connection", async () => {
    const team = await createTeam();
    const target = await lead(team, team.analyst);
    const socket = await connect(team.analyst);
    (socket.emit as (event: string, payload: unknown) => void)("lead:share", { leadId: target.id });
    expect((await request(socket, "lead:getClaim", { leadId: target.id })).ok).toBe(true);
    expect(await prisma.roomEvent.count({ where: { itemId: target.id, type: "lead.shared" } })).toBe(0);
  });

  it("rate-limits a flood of events with RATE_LIMITED", async () => {
    const team = await createTeam();
    const target = await lead(team, team.analyst);
    const socket = await connect(team.analyst);
    const responses = await Promise.all(Array.from({ length: 80 }, () => request(socket, "lead:getClaim", { leadId: target.id })));
    expect(responses.filter((response) => !response.ok && response.error.code === "RATE_LIMITED").length).toBeGreaterThan(0);
    expect(responses.filter((response) => response.ok).length).toBeGreaterThan(0);
  });

  it("drops a connection that sends a message larger than the limit", async () => {
    const team = await createTeam();
    const target = await lead(team, team.analyst);
    const socket = await connect(team.analyst);
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
    socket.emit("lead:share", { leadId: target.id, note: "x".repeat(100 * 1024) }, () => undefined);
    expect(await disconnected).toBeTruthy();
  });
});

describe("revocation", () => {
  it("removes a removed member's socket from the room within a second", async () => {
    const team = await createTeam();
    const removed = await member(team.analyst, team.taskforce.id);
    const revoked: string[] = [];
    removed.socket.on("room:revoked", (notice) => revoked.push(notice.taskforceId));
    const admin = await loadActor(await prisma.user.findUniqueOrThrow({ where: { id: team.admin.id } }));
    await removeTaskforceMember(admin, { taskforceId: team.taskforce.id, userId: team.analyst.id });
    await waitFor(() => revoked.includes(team.taskforce.id), "room:revoked", 1_000);
    const staying = await member(team.coordinator, team.taskforce.id);
    const marker = await sentinel(team);
    await receivedUpTo(staying.received, marker);
    expect(removed.received.some((event) => event.id === marker.id)).toBe(false);
  });

  it("cuts a socket signed in with a token within a second of the token's revocation, and only that one", async () => {
    const team = await createTeam();
    const token = await accessTokenFor(team.analyst);
    const tool = suite.track(await connectSocket(suite.url, { origin: null, token }));
    const page = await connect(team.analyst);
    const row = await prisma.accessToken.findFirstOrThrow({ where: { userId: team.analyst.id }, orderBy: { createdAt: "desc" } });
    await revokeAccessToken(team.analyst, row.id);
    await waitFor(() => tool.disconnected, "the token's socket to be cut", 1_000);
    expect(page.connected).toBe(true);
  });

  it("disconnects a suspended user within a second", async () => {
    const team = await createTeam();
    const { socket } = await member(team.analyst, team.taskforce.id);
    await suspendUser(team.admin, team.analyst.id);
    await waitFor(() => socket.disconnected, "disconnect", 1_000);
  });

  it("disconnects every socket of a user who signs out everywhere", async () => {
    const team = await createTeam();
    const first = await connect(team.analyst);
    const second = await connect(team.analyst);
    await signOutEverywhere(team.analyst);
    await waitFor(() => first.disconnected && second.disconnected, "disconnects", 1_000);
  });

  it("writes nothing for a user suspended behind the application's back: the event's re-check refuses it and drops the socket", async () => {
    const team = await createTeam();
    const suspended = await member(team.analyst, team.taskforce.id);
    const target = await lead(team, team.coordinator);
    // Straight in the database: no revocation announced, so the socket's snapshot still says ACTIVE.
    await prisma.user.update({ where: { id: team.analyst.id }, data: { status: "SUSPENDED" } });
    const answer = await request(suspended.socket, "lead:share", { leadId: target.id, note: "after the suspension" }).catch((error: Error) => ({ ok: false as const, error: { code: error.message } }));
    expect(answer.ok).toBe(false);
    await waitFor(() => suspended.socket.disconnected, "the suspended user's socket to be dropped");
    expect(await prisma.roomEvent.count({ where: { type: "lead.shared", itemId: target.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { action: "lead.share", itemId: target.id } })).toBe(0);
  });

  it("answers a user re-roled behind the application's back as their new role, and writes nothing their old role could", async () => {
    const team = await createTeam();
    const target = await lead(team, team.coordinator);
    // What a liaison is told for this share, asked as a liaison from the start.
    const liaison = await member(team.liaison, team.taskforce.id);
    const asLiaison = await request(liaison.socket, "lead:share", { leadId: target.id });
    expect(asLiaison.ok).toBe(false);
    const rerolled = await member(team.analyst, team.taskforce.id);
    await prisma.user.update({ where: { id: team.analyst.id }, data: { role: "LIAISON" } });
    // The periodic re-check (every half second here) may drop the socket first; otherwise the answer is the
    // liaison's. Either way nothing is written.
    const answer = await request(rerolled.socket, "lead:share", { leadId: target.id, note: "after the change of role" }).catch(() => null);
    if (answer) expect(answer).toMatchObject({ ok: false, error: { code: asLiaison.ok ? "" : asLiaison.error.code } });
    expect(await prisma.roomEvent.count({ where: { type: "lead.shared", itemId: target.id } })).toBe(0);
  });

  it("answers an event whose credential ended behind the application's back with UNAUTHENTICATED, then closes the socket", async () => {
    const team = await createTeam();
    const target = await lead(team, team.analyst);
    const viaToken = suite.track(await connectWithToken(suite.url, team.analyst, { origin: null }));
    const viaCookie = await connect(team.analystOtherAgency);
    await prisma.accessToken.updateMany({ where: { userId: team.analyst.id }, data: { revokedAt: new Date() } });
    await prisma.session.deleteMany({ where: { userId: team.analystOtherAgency.id } });
    for (const socket of [viaToken, viaCookie]) {
      const closed = new Promise<string>((resolve) => socket.once("disconnect", resolve));
      expect(await request(socket, "lead:share", { leadId: target.id, clientEventId: `ended-${socket.id}` })).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
      expect(await closed).toBe("io server disconnect");
    }
    expect(await prisma.roomEvent.count({ where: { itemId: target.id, type: "lead.shared" } })).toBe(0);
  });

  it("catches a removal the application never announced: client events at once, delivery at the periodic re-check", async () => {
    const team = await createTeam();
    const missed = await member(team.analyst, team.taskforce.id);
    const revoked: string[] = [];
    missed.socket.on("room:revoked", (notice) => revoked.push(notice.taskforceId));
    // Removed straight in the database: no revokeRealtimeAccess call.
    await prisma.taskforceMember.delete({ where: { taskforceId_userId: { taskforceId: team.taskforce.id, userId: team.analyst.id } } });
    const target = await lead(team, team.coordinator);
    // First with a clientEventId, while the socket's snapshot still names the taskforce: the share is decided in its
    // statement (decision 033), whose condition reads the membership itself. Then without one.
    expect(await request(missed.socket, "lead:share", { leadId: target.id, clientEventId: "removed-behind-0001" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await request(missed.socket, "lead:share", { leadId: target.id })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await prisma.roomEvent.count({ where: { itemId: target.id, type: "lead.shared" } })).toBe(0);
    // Live delivery holds an in-memory snapshot; the re-check (every REALTIME_RECHECK_SECONDS) takes the room away.
    await waitFor(() => revoked.includes(team.taskforce.id), "room:revoked");
    const staying = await member(team.coordinator, team.taskforce.id);
    const marker = await sentinel(team);
    await receivedUpTo(staying.received, marker);
    expect(missed.received.some((event) => event.id === marker.id)).toBe(false);
  });

});

describe("a share decided in its statement (decision 033)", () => {
  it("re-checks the sender after its first write: the session's idle deadline moves on", async () => {
    const team = await createTeam();
    const target = await lead(team, team.analyst);
    const sender = await member(team.analyst, team.taskforce.id);
    const longAgo = new Date(Date.now() - 5 * 60_000);
    await prisma.session.updateMany({ where: { userId: team.analyst.id }, data: { lastSeenAt: longAgo } });
    await requestOk(sender.socket, "lead:share", { leadId: target.id, clientEventId: "decided-activity-1" });
    const [session] = await prisma.session.findMany({ where: { userId: team.analyst.id } });
    expect(session.lastSeenAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  // On a server database: the embedded one re-checks before every event (one connection, held by the write).
  it.runIf(TEST_DB === "postgres")("records the sender's activity once per half minute, while each share's statement still checks the session", async () => {
    const team = await createTeam();
    const first = await lead(team, team.analyst);
    const second = await lead(team, team.analyst);
    const sender = await member(team.analyst, team.taskforce.id);
    await requestOk(sender.socket, "lead:share", { leadId: first.id, clientEventId: "decided-window-1" });
    // Set back behind the application's back, still well inside the idle timeout: a share within the half minute
    // holds the session by its statement's condition and does not read it again, so nothing moves it.
    const fiveMinutesAgo = new Date(Date.now() - 5 * 60_000);
    await prisma.session.updateMany({ where: { userId: team.analyst.id }, data: { lastSeenAt: fiveMinutesAgo } });
    await requestOk(sender.socket, "lead:share", { leadId: second.id, clientEventId: "decided-window-2" });
    const [session] = await prisma.session.findMany({ where: { userId: team.analyst.id } });
    expect(session.lastSeenAt.getTime()).toBe(fiveMinutesAgo.getTime());
    // The session ended behind the application's back: the next share, in the same half minute, is refused.
    await prisma.session.deleteMany({ where: { userId: team.analyst.id } });
    expect(await request(sender.socket, "lead:share", { leadId: second.id, clientEventId: "decided-window-3" })).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
    expect(await prisma.roomEvent.count({ where: { itemId: second.id, type: "lead.shared" } })).toBe(1);
  });

  it("stands, answered once, when the re-check after it finds a membership elsewhere gone", async () => {
    const team = await createTeam();
    const elsewhere = await createTaskforce();
    await addMember(elsewhere.id, team.analyst.id);
    const target = await lead(team, team.analyst);
    const sender = await member(team.analyst, team.taskforce.id);
    // Removed behind the application's back: the socket's snapshot still names both taskforces.
    await prisma.taskforceMember.delete({ where: { taskforceId_userId: { taskforceId: elsewhere.id, userId: team.analyst.id } } });
    const answer = await requestOk(sender.socket, "lead:share", { leadId: target.id, clientEventId: "decided-narrowed-1" });
    const stored = await prisma.roomEvent.findMany({ where: { itemId: target.id, type: "lead.shared" } });
    expect(stored.map((event) => event.id.toString())).toEqual([answer.id]);
  });
});

describe("nothing missed", () => {
  it("replays what came after lastEventId, in order, only what the user may see now", async () => {
    const team = await createTeam();
    const first = await member(team.analystOtherAgency, team.taskforce.id);
    const start = first.joined.lastEventId;
    const visible = await lead(team, team.analyst, { handlingCode: "GREEN", title: "Visible" });
    const raisedLater = await lead(team, team.analyst, { handlingCode: "GREEN", title: "Raised later" });
    const strict = await lead(team, team.analyst, { handlingCode: "AMBER_STRICT", title: "Strict" });
    await shareLead(team.analyst, visible.id, "one");
    await shareLead(team.analyst, raisedLater.id, "two");
    await shareLead(team.analyst, strict.id, "three");
    // The code is raised after the event was written: replay must not leak it.
    await prisma.lead.update({ where: { id: raisedLater.id }, data: { handlingCode: "RED" } });
    first.socket.close();

    const again = await connect(team.analystOtherAgency);
    const joined = await requestOk(again, "room:join", { taskforceId: team.taskforce.id, lastEventId: start });
    const seqs = joined.events.map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(joined.events.map((event) => event.id)).size).toBe(joined.events.length);
    const itemIds = joined.events.map((event) => event.itemId);
    expect(itemIds).toContain(visible.id);
    expect(itemIds).not.toContain(raisedLater.id);
    expect(itemIds).not.toContain(strict.id);
    expect(joined.events.every((event) => event.seq > start && !("visibility" in event))).toBe(true);
    expect(joined.lastEventId).toBeGreaterThanOrEqual(Math.max(...seqs));
  });

  it("loses and repeats nothing for events committed while a join is replaying", async () => {
    const team = await createTeam();
    const target = await lead(team, team.analyst, { handlingCode: "GREEN" });
    const socket = await connect(team.coordinator);
    const live = recordRoomEvents(socket, ROOM_EVENT_NAMES);
    const writes = Promise.all(Array.from({ length: 15 }, (_, i) => shareLead(team.analyst, target.id, `burst ${i}`)));
    const joined = await requestOk(socket, "room:join", { taskforceId: team.taskforce.id, lastEventId: 0 });
    const written = await writes;
    const last = Math.max(...written.map((event) => event.seq));
    await waitFor(() => [...joined.events, ...live].some((event) => event.seq === last), "the last write");
    const seen = [...joined.events, ...live].map((event) => event.seq);
    expect(new Set(seen).size).toBe(seen.length);
    for (const event of written) expect(seen).toContain(event.seq);
    expect(live.map((event) => event.seq)).toEqual([...live.map((event) => event.seq)].sort((a, b) => a - b));
  });

  it("replays what a client missed while the server restarted", async () => {
    const team = await createTeam();
    const target = await lead(team, team.analyst, { handlingCode: "GREEN" });
    const socket = await connectAs(suite.url, team.analystOtherAgency, { reconnection: true });
    suite.track(socket);
    const received = recordRoomEvents(socket, ROOM_EVENT_NAMES);
    let lastEventId = (await requestOk(socket, "room:join", { taskforceId: team.taskforce.id })).lastEventId;
    const before = await requestOk(socket, "lead:share", { leadId: target.id, note: "before" });
    await waitFor(() => received.some((event) => event.id === before.id), "the first share");
    lastEventId = Math.max(lastEventId, ...received.map((event) => event.seq));

    await suite.stop();
    await waitFor(() => socket.disconnected, "the client to notice the restart");
    const missed = [await shareLead(team.analyst, target.id, "while down 1"), await shareLead(team.analyst, target.id, "while down 2")];
    // At least one reconnect attempt fails while the server is away, as in a real restart.
    await new Promise((resolve) => socket.io.once("reconnect_error", resolve));
    // Listen before the server is back: the client may reconnect before startTestServer returns.
    const reconnected = new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    await suite.start();
    await reconnected;
    const rejoined = await requestOk(socket, "room:join", { taskforceId: team.taskforce.id, lastEventId });
    expect(rejoined.events.map((event) => event.id)).toEqual(missed.map((event) => event.id));
    const after = await shareLead(team.analyst, target.id, "after");
    await waitFor(() => received.some((event) => event.id === after.id), "the share after the restart");
    const all = [...received, ...rejoined.events].map((event) => event.id);
    expect(new Set(all).size).toBe(all.length);
  });
});
