// Notifications (issue 12): each kind reaches the right people and never anyone who may not see its item (at
// creation, and again when read after access changed); the inbox API; live delivery to a socket on any page.
import type { HandlingCode, ReviewState } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { canSee, loadActor, type Actor, type ItemResource } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { writeChange } from "~/models/changes.server";
import { shareLead } from "~/models/lead-room.server";
import { listNotifications, markNotificationsRead, notify, unreadCount } from "~/models/notifications.server";
import { removeTaskforceMember } from "~/models/taskforces.server";
import type { NotificationNotice } from "~/realtime/protocol";
import { apiCallerFor } from "../helpers/api";
import { createComment, createLead, createTask, decideReview, requestReview, updateLead, updateTask } from "../helpers/edge";
import { createActor, createTeam } from "../helpers/factories";
import { recordRoomEvents, requestOk, socketTestSuite, waitFor } from "../helpers/sockets";
import { clueAs, leadAs } from "../helpers/workspace";

const suite = socketTestSuite();
type Team = Awaited<ReturnType<typeof createTeam>>;

async function kindsOf(actor: Actor): Promise<string[]> {
  return (await listNotifications(actor)).map((notification) => notification.kind);
}

async function recipientsOf(kind: string, itemId: string): Promise<string[]> {
  const rows = await prisma.notification.findMany({ where: { kind, itemId }, select: { recipientId: true } });
  return rows.map((row) => row.recipientId).sort();
}

/**
 * Who of `people` is told of this lead's share, as each reads their notifications: a share's rows are written then,
 * from the room log (decision 021). The rows written after everyone read are exactly theirs: none for anyone else.
 */
async function sharedWith(people: Actor[], leadId: string): Promise<string[]> {
  const told: string[] = [];
  for (const person of people) {
    if ((await listNotifications(person)).some((notice) => notice.kind === "lead.shared" && notice.itemId === leadId)) told.push(person.id);
  }
  expect(await recipientsOf("lead.shared", leadId)).toEqual(told.sort());
  return told;
}

const everyone = (team: Team) => [team.analyst, team.analystOtherAgency, team.coordinator, team.liaison, team.outsider, team.admin];

describe("who is told (written only for people who may see the item)", () => {
  it("agrees with canSee for every role, handling code and review state", async () => {
    const team = await createTeam();
    const suspended = await createActor({ role: "ANALYST", taskforceIds: [team.taskforce.id], status: "SUSPENDED" });
    const named = await createActor({ role: "ANALYST", agency: "Agency C", taskforceIds: [team.taskforce.id] });
    const people = [...everyone(team), suspended, named];
    const codes: HandlingCode[] = ["RED", "AMBER_STRICT", "AMBER", "GREEN", "CLEAR"];
    const states: ReviewState[] = ["NONE", "REQUESTED", "APPROVED"];
    for (const handlingCode of codes) {
      for (const reviewState of states) {
        const itemId = `probe-${handlingCode}-${reviewState}-${team.taskforce.id}`;
        const about: ItemResource = {
          type: "lead",
          taskforceId: team.taskforce.id,
          handlingCode,
          authorId: team.coordinator.id,
          authorAgency: "Agency A",
          recipientIds: [named.id],
          reviewState,
        };
        await writeChange(team.coordinator, (ctx) => notify(ctx, { members: true }, { kind: "lead.shared", about, itemType: "LEAD", itemId, text: "probe" }));
        const expected = people.filter((person) => person.id !== team.coordinator.id && canSee(person, about)).map((person) => person.id).sort();
        expect(await recipientsOf("lead.shared", itemId), `${handlingCode} ${reviewState}`).toEqual(expected);
      }
    }
  });

  it("tells the assignee of a new task, and a new assignee when it is reassigned", async () => {
    const team = await createTeam();
    const task = await createTask(team.coordinator, team.case.id, { title: "Check the receipt", assigneeId: team.analyst.id });
    expect(await recipientsOf("task.assigned", task.id)).toEqual([team.analyst.id]);
    const [notification] = await listNotifications(team.analyst);
    expect(notification).toMatchObject({ kind: "task.assigned", itemType: "TASK", itemId: task.id, href: `/tasks/${task.id}`, readAt: null });
    expect(notification.text).toContain("Check the receipt");
    await updateTask(team.coordinator, task.id, { version: task.version, assigneeId: team.analystOtherAgency.id });
    expect(await recipientsOf("task.assigned", task.id)).toEqual([team.analyst.id, team.analystOtherAgency.id].sort());
    // Nobody is told about their own action.
    await createTask(team.coordinator, team.case.id, { title: "Mine", assigneeId: team.coordinator.id });
    expect(await kindsOf(team.coordinator)).toEqual([]);
  });

  it("tells mentioned members only (never one who may not see the item)", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "AMBER_STRICT" });
    await createComment(team.analyst, { itemType: "LEAD", itemId: lead.id, body: `@${team.coordinator.email} and @${team.analystOtherAgency.email}, look` });
    expect(await recipientsOf("mention", lead.id)).toEqual([team.coordinator.id]);
    expect(await kindsOf(team.analystOtherAgency)).toEqual([]);
  });

  it("tells the room's members who may see a shared lead, and no one else", async () => {
    const team = await createTeam();
    const red = await leadAs(team.analyst, team.case.id, { handlingCode: "RED", recipientIds: [team.coordinator.id] });
    await shareLead(team.analyst, red.id);
    expect(await sharedWith(everyone(team), red.id)).toEqual([team.coordinator.id]);
    const amber = await leadAs(team.analyst, team.case.id, { handlingCode: "AMBER" });
    await shareLead(team.coordinator, amber.id);
    expect(await sharedWith(everyone(team), amber.id)).toEqual([team.analyst.id, team.analystOtherAgency.id].sort());
    for (const refused of [team.liaison, team.outsider, team.admin]) expect(await kindsOf(refused)).toEqual([]);
  });

  it("writes a share's notices when each member reads, once, with the share's time, never for a member added after it", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "AMBER" });
    const shared = await shareLead(team.analyst, lead.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await recipientsOf("lead.shared", lead.id)).toEqual([]);
    const latecomer = await createActor({ role: "ANALYST", taskforceIds: [team.taskforce.id] });
    await createTask(team.coordinator, team.case.id, { title: "Read the label", assigneeId: team.analystOtherAgency.id });
    // Two pages of one reader at once write one row.
    await Promise.all([listNotifications(team.analystOtherAgency), unreadCount(team.analystOtherAgency), listNotifications(team.analystOtherAgency)]);
    expect(await recipientsOf("lead.shared", lead.id)).toEqual([team.analystOtherAgency.id]);
    const inbox = await listNotifications(team.analystOtherAgency);
    // Newest first by the time of the news: the task came after the share, though its row was written first.
    expect(inbox.map((notice) => notice.kind)).toEqual(["task.assigned", "lead.shared"]);
    expect(inbox[1]).toMatchObject({ itemId: lead.id, text: `${team.analyst.displayName} shared "${lead.title}" in the room` });
    expect(inbox[1].createdAt.toISOString()).toBe(shared.createdAt);
    expect(await kindsOf(latecomer)).toEqual([]);
    // A later share is noticed at the next read, the latecomer's included.
    await shareLead(team.coordinator, lead.id);
    expect(await kindsOf(latecomer)).toEqual(["lead.shared"]);
    expect(await unreadCount(team.analystOtherAgency)).toBe(3);
  });

  it("tells the taskforce's liaisons of a review request, and the author and requester of the decision", async () => {
    const team = await createTeam();
    const otherLiaison = await createActor({ role: "LIAISON", agency: "Interpol", taskforceIds: [team.taskforce.id] });
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "GREEN" });
    await requestReview(team.coordinator, "LEAD", lead.id);
    expect(await recipientsOf("review.requested", lead.id)).toEqual([team.liaison.id, otherLiaison.id].sort());
    await decideReview(team.liaison, "LEAD", lead.id, { decision: "REJECTED", note: "Remove the shop name." });
    expect(await recipientsOf("review.decided", lead.id)).toEqual([team.analyst.id, team.coordinator.id].sort());
    expect((await listNotifications(team.analyst))[0].text).toMatch(/rejected lead/);
  });
});

describe("reading: only what the reader may still see", () => {
  it("hides a notification once its item is out of the reader's sight, and after leaving the taskforce", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "AMBER" });
    await shareLead(team.analyst, lead.id);
    expect(await sharedWith(everyone(team), lead.id)).toEqual([team.analystOtherAgency.id, team.coordinator.id].sort());
    expect(await kindsOf(team.analystOtherAgency)).toEqual(["lead.shared"]);
    expect(await unreadCount(team.analystOtherAgency)).toBe(1);
    await updateLead(team.analyst, lead.id, { version: lead.version, handlingCode: "AMBER_STRICT" });
    expect(await kindsOf(team.analystOtherAgency)).toEqual([]);
    expect(await unreadCount(team.analystOtherAgency)).toBe(0);

    expect(await kindsOf(team.coordinator)).toEqual(["lead.shared"]);
    const admin = await createActor({ role: "ADMIN" });
    await removeTaskforceMember(admin, { taskforceId: team.taskforce.id, userId: team.coordinator.id });
    const removed = await loadActor(team.coordinator);
    expect(await kindsOf(removed)).toEqual([]);
    expect(await unreadCount(removed)).toBe(0);
  });

  it("notices an overdue task once when its assignee reads, and again after a new due date passes", async () => {
    const team = await createTeam();
    const task = await createTask(team.coordinator, team.case.id, { title: "Call the shop", assigneeId: team.analyst.id });
    await prisma.task.update({ where: { id: task.id }, data: { dueDate: new Date(Date.now() - 60_000) } });
    expect(await unreadCount(team.analyst)).toBe(2);
    expect(await unreadCount(team.analyst)).toBe(2);
    expect(await kindsOf(team.analyst)).toEqual(["task.overdue", "task.assigned"]);
    await prisma.task.update({ where: { id: task.id }, data: { dueDate: new Date(Date.now() - 30_000) } });
    expect(await unreadCount(team.analyst)).toBe(3);
    await prisma.task.update({ where: { id: task.id }, data: { status: "DONE", dueDate: new Date(Date.now() - 10_000) } });
    expect(await unreadCount(team.analyst)).toBe(3);
    expect(await kindsOf(team.coordinator)).toEqual([]);
  });

  it("marks read the named notifications or all of them, only the caller's own", async () => {
    const team = await createTeam();
    for (const title of ["One", "Two", "Three"]) await createTask(team.coordinator, team.case.id, { title, assigneeId: team.analyst.id });
    const [newest] = await listNotifications(team.analyst);
    expect(await markNotificationsRead(team.coordinator, { ids: [newest.id] })).toEqual({ marked: 0, unread: 0 });
    expect(await markNotificationsRead(team.analyst, { ids: [newest.id] })).toEqual({ marked: 1, unread: 2 });
    expect(await markNotificationsRead(team.analyst, { all: true })).toEqual({ marked: 2, unread: 0 });
    expect((await listNotifications(team.analyst)).every((notification) => notification.readAt !== null)).toBe(true);
    expect(await prisma.auditEvent.count({ where: { actorId: team.analyst.id, action: "notification.read" } })).toBe(2);
  });
});

describe("the API", () => {
  it("lists the caller's notifications and marks them read", async () => {
    const team = await createTeam();
    await createTask(team.coordinator, team.case.id, { title: "First", assigneeId: team.analyst.id });
    await createTask(team.coordinator, team.case.id, { title: "Second", assigneeId: team.analyst.id });
    const as = await apiCallerFor(suite.url, team.analyst);
    const listed = await as("GET", "/notifications");
    expect(listed.status).toBe(200);
    expect(listed.body.map((n: { text: string }) => n.text)).toEqual([expect.stringContaining("Second"), expect.stringContaining("First")]);
    const marked = await as("POST", "/notifications/read", { ids: [listed.body[0].id] });
    expect(marked).toMatchObject({ status: 200, body: { marked: 1, unread: 1 } });
    const unread = await as("GET", "/notifications?unread=true");
    expect(unread.body).toHaveLength(1);
    expect(unread.body[0].text).toContain("First");
    expect((await as("POST", "/notifications/read", { all: true })).body).toEqual({ marked: 1, unread: 0 });
    const refused = await as("POST", "/notifications/read", {});
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields.ids).toBeDefined();
    expect((await as("POST", "/notifications/read", { ids: ["not-a-number"] })).status).toBe(422);
    expect((await as("GET", "/notifications?unread=maybe")).status).toBe(422);
    const outsider = await apiCallerFor(suite.url, team.outsider);
    expect((await outsider("GET", "/notifications")).body).toEqual([]);
  });
});

describe("live delivery", () => {
  it("reaches the recipient's socket outside any room, and no one else's", async () => {
    const team = await createTeam();
    const [analystSocket, otherSocket] = await Promise.all([suite.connect(team.analyst), suite.connect(team.analystOtherAgency)]);
    const got: NotificationNotice[] = [];
    const others: NotificationNotice[] = [];
    analystSocket.on("notification:new", (notice) => got.push(notice));
    otherSocket.on("notification:new", (notice) => others.push(notice));
    const task = await createTask(team.coordinator, team.case.id, { title: "Trace the tram ticket", assigneeId: team.analyst.id });
    await waitFor(() => got.length === 1, "the analyst's notification");
    expect(got[0]).toMatchObject({ kind: "task.assigned", itemType: "TASK", itemId: task.id, href: `/tasks/${task.id}` });
    const strict = await createLead(team.analyst, team.case.id, { title: "Strict", handlingCode: "AMBER_STRICT" });
    await shareLead(team.analyst, strict.id);
    await clueAs(team.analyst, team.case.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(others).toEqual([]);
  });
});

describe("a lead share's notice and its room event", () => {
  it("reaches a page outside the room as a notice and a page in the room only as the room event", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id);
    const [inRoom, elsewhere, otherInRoom] = await Promise.all([suite.connect(team.coordinator), suite.connect(team.coordinator), suite.connect(team.analystOtherAgency)]);
    await requestOk(inRoom, "room:join", { taskforceId: team.taskforce.id });
    await requestOk(otherInRoom, "room:join", { taskforceId: team.taskforce.id });
    const notices = { inRoom: [] as NotificationNotice[], elsewhere: [] as NotificationNotice[], otherInRoom: [] as NotificationNotice[] };
    inRoom.on("notification:new", (notice) => notices.inRoom.push(notice));
    elsewhere.on("notification:new", (notice) => notices.elsewhere.push(notice));
    otherInRoom.on("notification:new", (notice) => notices.otherInRoom.push(notice));
    const heard = recordRoomEvents(inRoom, ["lead:shared"]);
    const otherHeard = recordRoomEvents(otherInRoom, ["lead:shared"]);
    await shareLead(team.analyst, lead.id, "Look at this");
    await waitFor(() => notices.elsewhere.length === 1 && heard.length === 1 && otherHeard.length === 1, "the share on both pages");
    expect(notices.elsewhere[0]).toMatchObject({ kind: "lead.shared", itemId: lead.id, text: `${team.analyst.displayName} shared "${lead.title}" in the room` });
    // The coordinator's inbox has the notice all the same; the page in the room was not sent it.
    expect(await sharedWith(everyone(team), lead.id)).toEqual([team.analystOtherAgency.id, team.coordinator.id].sort());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(notices.inRoom).toEqual([]);
    expect(notices.otherInRoom).toEqual([]);
    // A share only some of the room may see: those outside its audience hear neither the event nor a notice.
    const strict = await leadAs(team.analyst, team.case.id, { handlingCode: "AMBER_STRICT" });
    await shareLead(team.analyst, strict.id);
    await waitFor(() => notices.elsewhere.length === 2 && heard.length === 2, "the strict share on the coordinator's pages");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(otherHeard).toHaveLength(1);
    expect(notices.otherInRoom).toEqual([]);
    expect(notices.inRoom).toEqual([]);
  });
});

describe("the case's last change", () => {
  it("moves with a clue, a lead, a task and a comment inside the case, not with a share", async () => {
    const team = await createTeam();
    const at = async () => (await prisma.case.findUniqueOrThrow({ where: { id: team.case.id } })).lastChangeAt.getTime();
    let before = await at();
    const step = async (change: () => Promise<unknown>, moves = true) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await change();
      const now = await at();
      if (moves) expect(now).toBeGreaterThan(before);
      else expect(now).toBe(before);
      before = now;
    };
    const clue = await (async () => {
      let created: Awaited<ReturnType<typeof clueAs>> | undefined;
      await step(async () => (created = await clueAs(team.analyst, team.case.id)));
      return created!;
    })();
    let lead: Awaited<ReturnType<typeof leadAs>> | undefined;
    await step(async () => (lead = await leadAs(team.analyst, team.case.id, { clueIds: [clue.id] })));
    await step(() => createTask(team.coordinator, team.case.id, { title: "Look", assigneeId: team.analyst.id }));
    await step(() => createComment(team.coordinator, { itemType: "CLUE", itemId: clue.id, body: "Seen." }));
    await step(() => shareLead(team.analyst, lead!.id), false);
  });
});
