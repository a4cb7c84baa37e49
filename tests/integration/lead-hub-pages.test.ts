// Issue 12 over HTTP: the lead page as the hub (edits with optimistic concurrency, a task from it, sharing it, its
// tasks and reviews), pages offering only what the viewer may do, and the inbox with its top-bar badge.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { getLead } from "~/models/leads.server";
import { createTask, decideReview, requestReview, updateLead } from "../helpers/edge";
import { createTeam } from "../helpers/factories";
import { pageRequests, sessionCookie } from "../helpers/pages";
import { startTestServer, type TestServer } from "../helpers/server";
import { clueAs, clueWithCode, leadAs } from "../helpers/workspace";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const { get, post } = pageRequests(() => server.url);

describe("the lead page as the hub", () => {
  it("edits title, hypothesis, cited clues, owner and priority, raising the code with a stricter clue", async () => {
    const team = await createTeam();
    const plain = await clueAs(team.analyst, team.case.id, { value: "Tram ticket" });
    const strict = await clueWithCode(team.analyst, team.case.id, "AMBER_STRICT", { value: "Receipt from a pharmacy" });
    const lead = await leadAs(team.analyst, team.case.id, { clueIds: [plain.id] });
    const cookie = await sessionCookie(team.coordinator.id);
    const page = await get(`/leads/${lead.id}`, cookie);
    expect(page.html).toContain("Edit lead");
    expect(page.html).toContain("Receipt from a pharmacy");
    const saved = await post(`/leads/${lead.id}`, cookie, {
      intent: "edit",
      version: String(lead.version),
      title: "Krakow, 2019",
      hypothesis: "Ticket and receipt both point to Krakow",
      priority: "HIGH",
      ownerId: team.coordinator.id,
      clueIds: [plain.id, strict.id],
    });
    expect(saved).toMatchObject({ status: 302, location: `/leads/${lead.id}?saved=edit` });
    const after = await getLead(team.coordinator, lead.id);
    expect(after).toMatchObject({ title: "Krakow, 2019", hypothesis: "Ticket and receipt both point to Krakow", priority: "HIGH", ownerId: team.coordinator.id, handlingCode: "AMBER_STRICT" });
    expect(after.clues.map((clue) => clue.id).sort()).toEqual([plain.id, strict.id].sort());

    // Unticking every clue cites none.
    await post(`/leads/${lead.id}`, cookie, { intent: "edit", version: String(after.version), title: after.title, priority: "HIGH" });
    expect((await getLead(team.coordinator, lead.id)).clues).toEqual([]);
  });

  it("shows a stale edit beside the newer version and keeps the user's text", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id, { title: "First title" });
    await updateLead(team.coordinator, lead.id, { version: lead.version, title: "Their title" });
    const stale = await post(`/leads/${lead.id}`, await sessionCookie(team.analyst.id), { intent: "edit", version: String(lead.version), title: "My title", priority: "LOW" });
    expect(stale.status).toBe(409);
    expect(stale.html).toContain("Someone else changed this lead since you opened it");
    expect(stale.html).toContain("Their title");
    expect(stale.html).toContain('value="My title"');
    expect(stale.html).toContain("The rest of this page shows version 2.");
    expect((await getLead(team.analyst, lead.id)).title).toBe("Their title");
  });

  it("creates a task on the lead, shares it to the room, and lists its tasks and reviews", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "GREEN" });
    const cookie = await sessionCookie(team.coordinator.id);
    const created = await post(`/leads/${lead.id}`, cookie, { intent: "task", caseId: team.case.id, title: "Call the pharmacy", assigneeId: team.analyst.id });
    expect(created.status).toBe(302);
    const task = await prisma.task.findFirstOrThrow({ where: { leadId: lead.id } });
    expect(task).toMatchObject({ title: "Call the pharmacy", assigneeId: team.analyst.id });
    expect(await prisma.notification.count({ where: { recipientId: team.analyst.id, kind: "task.assigned", itemId: task.id } })).toBe(1);
    const refused = await post(`/leads/${lead.id}`, cookie, { intent: "task", caseId: team.case.id, title: "", assigneeId: "" });
    expect(refused.status).toBe(422);

    expect((await post(`/leads/${lead.id}`, cookie, { intent: "share", note: "Look at this one" })).status).toBe(302);
    expect(await prisma.roomEvent.count({ where: { itemId: lead.id, type: "lead.shared" } })).toBe(1);

    await requestReview(team.analyst, "LEAD", lead.id);
    await decideReview(team.liaison, "LEAD", lead.id, { decision: "REJECTED", note: "Name the pharmacy chain only." });
    const page = await get(`/leads/${lead.id}`, cookie);
    expect(page.html).toContain("Call the pharmacy");
    expect(page.html).toContain("Name the pharmacy chain only.");
    expect(page.html).toContain("Not disseminated yet");
  });
});

describe("pages offer only what the viewer may do", () => {
  it("gives Approve and Reject on the review queue to liaisons only", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "GREEN", { value: "Church tower" });
    await requestReview(team.analyst, "CLUE", clue.id);
    const asAnalyst = await get("/reviews", await sessionCookie(team.analyst.id));
    expect(asAnalyst.html).toContain("Church tower");
    expect(asAnalyst.html).not.toContain(">Approve<");
    expect(asAnalyst.html).toContain("Waiting for a liaison");
    expect((await get("/reviews", await sessionCookie(team.liaison.id))).html).toContain(">Approve<");
  });

  it("gives a liaison no add-clue or build-a-lead form, and no edit, share or task forms on a lead", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.liaison.id);
    expect((await get(`/cases/${team.case.id}`, cookie)).html).not.toContain("Add clue");
    expect((await get(`/cases/${team.case.id}/clues/new`, cookie)).status).toBe(403);
    expect((await get(`/cases/${team.case.id}/leads/new`, cookie)).status).toBe(403);
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "GREEN" });
    await requestReview(team.analyst, "LEAD", lead.id);
    const page = await get(`/leads/${lead.id}`, cookie);
    expect(page.status).toBe(200);
    for (const absent of ["Edit lead", "Share in the room", "New task on this lead", "Change status", "Tasks on this lead"]) expect(page.html).not.toContain(absent);
  });

  it("offers another analyst no edit and no task form, and an author no review request on an approved item", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "CLEAR" });
    const other = await get(`/leads/${lead.id}`, await sessionCookie(team.analystOtherAgency.id));
    expect(other.html).not.toContain("Edit lead");
    expect(other.html).not.toContain("New task on this lead");
    expect(other.html).toContain("Share in the room");
    const author = await sessionCookie(team.analyst.id);
    expect((await get(`/leads/${lead.id}`, author)).html).toContain("Request review");
    await requestReview(team.analyst, "LEAD", lead.id);
    await decideReview(team.liaison, "LEAD", lead.id, { decision: "APPROVED" });
    expect((await get(`/leads/${lead.id}`, author)).html).not.toContain("Request review");
    const refused = await post(`/leads/${lead.id}`, author, { intent: "requestReview" });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain("already approved");
  });

  it("says 'you can see' where leads may be hidden", async () => {
    const team = await createTeam();
    await leadAs(team.analyst, team.case.id, { handlingCode: "RED" });
    expect((await get(`/cases/${team.case.id}`, await sessionCookie(team.coordinator.id))).html).toContain("No leads you can see on this case yet.");
  });
});

describe("the inbox and its badge", () => {
  it("counts unread notifications in the top bar and marks them read from the inbox", async () => {
    const team = await createTeam();
    await createTask(team.coordinator, team.case.id, { title: "Trace the tram ticket", assigneeId: team.analyst.id });
    const cookie = await sessionCookie(team.analyst.id);
    const home = await get("/home", cookie);
    expect(home.html).toMatch(/data-testid="inbox-badge">1</);
    const inbox = await get("/notifications", cookie);
    expect(inbox.html).toContain("Trace the tram ticket");
    expect(inbox.html).toContain("Unread");
    expect((await post("/notifications", cookie, { all: "true" })).status).toBe(302);
    const after = await get("/notifications", cookie);
    expect(after.html).not.toContain("inbox-badge");
    expect(after.html).toContain("Everything is read.");
    expect((await post("/notifications", cookie, {})).status).toBe(422);
    expect((await get("/home", await sessionCookie(team.coordinator.id))).html).not.toContain("inbox-badge");
  });
});
