// Issue 12, dissemination: an approved lead with its approved clues (redacted where redacted) goes to a contact
// point from the administrators' list, under TLP and a Europol handling code; the record freezes what was sent.
// Over HTTP: the API (checked against the OpenAPI document), the lead page, the JSON download and the report.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSession } from "~/auth/session.server";
import { prisma } from "~/db.server";
import { pageRequests } from "../helpers/pages";
import { apiCallerFor, type ApiCaller } from "../helpers/api";
import { createActor, createTeam } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";
import { clueWithCode, leadAs, type Team } from "../helpers/workspace";
import { decideReview, requestReview, updateLead } from "../helpers/edge";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

async function cookieOf(userId: string): Promise<string> {
  return (await startSession(userId, { mfaVerified: true })).split(";")[0];
}

async function page(path: string, cookie: string) {
  const response = await fetch(`${server.url}${path}`, { headers: { Cookie: cookie }, redirect: "manual" });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

const { post: postForm } = pageRequests(() => server.url);

async function recipient(country = "Poland") {
  return prisma.disseminationRecipient.create({ data: { country, agency: `Policja ${Math.random().toString(36).slice(2, 8)}`, contactPoint: "SPOC Warsaw" } });
}

/** A GREEN lead citing an approved, redacted clue and a clue never reviewed, approved with a redacted hypothesis. */
async function approvedLead(team: Team) {
  const shared = await clueWithCode(team.analyst, team.case.id, "GREEN", { value: "Shampoo label in Polish", detail: "Bought at Piotrkowska 12", evaluation: { sourceReliability: "B", infoAssessment: 2 } });
  const internal = await clueWithCode(team.analyst, team.case.id, "GREEN", { value: "Internal-only observation" });
  const lead = await leadAs(team.analyst, team.case.id, { title: "Room is in Poland", hypothesis: "Label and socket; seen by officer Kowalski", handlingCode: "GREEN", clueIds: [shared.id, internal.id] });
  await requestReview(team.analyst, "CLUE", shared.id);
  await decideReview(team.liaison, "CLUE", shared.id, { decision: "APPROVED", redaction: { detail: "Bought in Poland" } });
  await requestReview(team.analyst, "LEAD", lead.id);
  await decideReview(team.liaison, "LEAD", lead.id, { decision: "APPROVED", note: "Officer's name removed.", redaction: { hypothesis: "Label and socket" } });
  return { lead, shared, internal };
}

describe("dissemination over the API", () => {
  let team: Team;
  let as: Record<"analyst" | "coordinator" | "liaison" | "outsider" | "admin", ApiCaller>;
  beforeAll(async () => {
    team = await createTeam();
    as = {
      analyst: await apiCallerFor(server.url, team.analyst),
      coordinator: await apiCallerFor(server.url, team.coordinator),
      liaison: await apiCallerFor(server.url, team.liaison),
      outsider: await apiCallerFor(server.url, team.outsider),
      admin: await apiCallerFor(server.url, team.admin),
    };
  });

  it("freezes exactly what was sent: the approved, redacted text, codes, evaluations, sender and time", async () => {
    const { lead } = await approvedLead(team);
    const to = await recipient();
    const sent = await as.liaison("POST", `/leads/${lead.id}/disseminations`, { recipientId: to.id, handlingCode: "h2", note: "For your SPOC." });
    expect(sent.status).toBe(201);
    const pkg = sent.body.package;
    expect(pkg).toMatchObject({
      handlingCode: "GREEN",
      europolCode: "H2",
      recipient: { country: "Poland", agency: to.agency, contactPoint: "SPOC Warsaw" },
      sentBy: { displayName: team.liaison.displayName },
      note: "For your SPOC.",
      lead: { title: "Room is in Poland", hypothesis: "Label and socket", redacted: true },
    });
    expect(pkg.lead.approvedBy).toContain(team.liaison.displayName);
    expect(pkg.clues).toEqual([
      { category: "Architecture / fixture (sockets, switches, windows)", value: "Shampoo label in Polish", detail: "Bought in Poland", handlingCode: "GREEN", evaluation: { sourceReliability: "B", infoAssessment: 2, code: "B2" }, redacted: true },
    ]);
    expect(JSON.stringify(pkg)).not.toMatch(/Kowalski|Piotrkowska|Internal-only/);
    expect(await prisma.auditEvent.count({ where: { itemId: lead.id, action: "dissemination.create" } })).toBe(1);

    // The lead changes afterwards: the package does not.
    await updateLead(team.analyst, lead.id, { version: (await prisma.lead.findUniqueOrThrow({ where: { id: lead.id } })).version, title: "Room is in Krakow", hypothesis: "Officer Kowalski again" });
    const later = await as.analyst("GET", `/disseminations/${sent.body.id}`);
    expect(later.status).toBe(200);
    expect(later.body.package).toEqual(pkg);
    // The edit voided the approval: the lead is back out of the liaison's sight, and cannot be sent again.
    expect((await as.liaison("POST", `/leads/${lead.id}/disseminations`, { recipientId: to.id, handlingCode: "H0" })).status).toBe(404);
    expect((await as.liaison("GET", `/disseminations/${sent.body.id}`)).body.package).toEqual(pkg);
    // The record itself cannot be changed.
    await expect(prisma.dissemination.update({ where: { id: sent.body.id }, data: { note: "changed" } })).rejects.toThrow();
  });

  it("refuses a lead that is not approved (422), H3 without a restriction, and a retired contact point", async () => {
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "GREEN" });
    await requestReview(team.analyst, "LEAD", lead.id);
    const to = await recipient();
    const waiting = await as.liaison("POST", `/leads/${lead.id}/disseminations`, { recipientId: to.id, handlingCode: "H0" });
    expect(waiting.status).toBe(422);
    await decideReview(team.liaison, "LEAD", lead.id, { decision: "APPROVED" });
    const h3 = await as.liaison("POST", `/leads/${lead.id}/disseminations`, { recipientId: to.id, handlingCode: "H3" });
    expect(h3.status).toBe(422);
    expect(h3.body.error.fields.restriction).toBeDefined();
    await prisma.disseminationRecipient.update({ where: { id: to.id }, data: { active: false } });
    const retired = await as.liaison("POST", `/leads/${lead.id}/disseminations`, { recipientId: to.id, handlingCode: "H0" });
    expect(retired.status).toBe(422);
    expect(retired.body.error.fields.recipientId).toBeDefined();
    const other = await recipient("Germany");
    const ok = await as.liaison("POST", `/leads/${lead.id}/disseminations`, { recipientId: other.id, handlingCode: "H3", restriction: "Only for the Krakow unit." });
    expect(ok.status).toBe(201);
    expect(ok.body.package.restriction).toBe("Only for the Krakow unit.");
  });

  it("lets only a liaison send, and shows the records only to the taskforce", async () => {
    const { lead } = await approvedLead(team);
    const to = await recipient();
    const body = { recipientId: to.id, handlingCode: "H1" };
    expect((await as.analyst("POST", `/leads/${lead.id}/disseminations`, body)).status).toBe(403);
    expect((await as.coordinator("POST", `/leads/${lead.id}/disseminations`, body)).status).toBe(403);
    expect((await as.outsider("POST", `/leads/${lead.id}/disseminations`, body)).status).toBe(404);
    expect((await as.admin("POST", `/leads/${lead.id}/disseminations`, body)).status).toBe(404);
    const sent = await as.liaison("POST", `/leads/${lead.id}/disseminations`, body);
    expect(sent.status).toBe(201);

    for (const caller of [as.analyst, as.coordinator, as.liaison]) {
      expect((await caller("GET", "/disseminations")).body.map((row: { id: string }) => row.id)).toContain(sent.body.id);
    }
    expect((await as.outsider("GET", "/disseminations")).body).toEqual([]);
    expect((await as.outsider("GET", `/disseminations/${sent.body.id}`)).status).toBe(404);
    expect((await as.admin("GET", "/disseminations")).status).toBe(404);
    expect((await as.analyst("GET", `/disseminations?leadId=${lead.id}`)).body.map((row: { id: string }) => row.id)).toEqual([sent.body.id]);
  });

  it("keeps the contact points under /api/v1/admin, for administrators only", async () => {
    const created = await as.admin("POST", "/admin/recipients", { country: "Sweden", agency: "Polisen NOA", contactPoint: "SPOC Stockholm" });
    expect(created.status).toBe(201);
    expect((await as.admin("POST", "/admin/recipients", { country: "Sweden", agency: "Polisen NOA", contactPoint: "SPOC Stockholm" })).status).toBe(422);
    expect((await as.admin("GET", "/admin/recipients")).body.map((row: { id: string }) => row.id)).toContain(created.body.id);
    const retired = await as.admin("PATCH", `/admin/recipients/${created.body.id}`, { active: false });
    expect(retired.body.active).toBe(false);
    for (const caller of [as.liaison, as.analyst, as.coordinator]) {
      expect((await caller("GET", "/admin/recipients")).status).toBe(404);
      expect((await caller("POST", "/admin/recipients", { country: "X", agency: "Y", contactPoint: "Z" })).status).toBe(404);
    }
    expect(await prisma.auditEvent.count({ where: { itemId: created.body.id, action: { in: ["recipient.create", "recipient.update"] } } })).toBe(2);
  });
});

describe("dissemination and review pages", () => {
  it("offers the decision form to the liaison only, and shows the redacted copy beside the original with who approved it", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "GREEN", { value: "Tram ticket", detail: "Zone 2, bought at Dworzec 4" });
    await requestReview(team.analyst, "CLUE", clue.id);
    const [liaison, analyst] = [await cookieOf(team.liaison.id), await cookieOf(team.analyst.id)];
    expect((await page(`/clues/${clue.id}`, analyst)).html).not.toContain("Return to author");
    expect((await page("/reviews", analyst)).html).not.toContain("Return to author");
    expect((await page(`/clues/${clue.id}`, liaison)).html).toContain("Return to author");

    const decided = await postForm(`/clues/${clue.id}`, liaison, {
      intent: "decideReview",
      decision: "APPROVED",
      version: String(clue.version),
      note: "Station removed.",
      "redaction.value": "Tram ticket",
      "redaction.detail": "Zone 2",
    });
    expect(decided.status).toBe(302);
    const seen = (await page(`/clues/${clue.id}`, analyst)).html;
    expect(seen).toContain("Zone 2, bought at Dworzec 4");
    expect(seen).toMatch(/Redacted copy \(what is sent\)/);
    expect(seen).toMatch(new RegExp(`Approved for dissemination</strong> by (<!-- -->)?${team.liaison.displayName}`));
    expect(seen).toContain("Station removed.");
    expect((await prisma.clue.findUniqueOrThrow({ where: { id: clue.id } })).detail).toBe("Zone 2, bought at Dworzec 4");
  });

  it("shows a returned item's note to its author", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "GREEN" });
    await requestReview(team.analyst, "LEAD", lead.id);
    const liaison = await cookieOf(team.liaison.id);
    const returned = await postForm("/reviews", liaison, { itemType: "LEAD", itemId: lead.id, version: String(lead.version), decision: "RETURNED", note: "Cite the label clue." });
    expect(returned.location).toBe("/reviews?decided=RETURNED");
    const html = (await page(`/leads/${lead.id}`, await cookieOf(team.analyst.id))).html;
    expect(html).toContain("Returned to the author</strong>");
    expect(html).toContain("Cite the label clue.");
  });

  it("sends from the lead page (liaison only) and serves the JSON package and the printable report", async () => {
    const team = await createTeam();
    const { lead } = await approvedLead(team);
    const to = await recipient();
    const [liaison, analyst] = [await cookieOf(team.liaison.id), await cookieOf(team.analyst.id)];
    expect((await page(`/leads/${lead.id}`, analyst)).html).not.toContain('value="disseminate"');
    expect((await page(`/leads/${lead.id}`, liaison)).html).toContain('value="disseminate"');
    const refused = await postForm(`/leads/${lead.id}`, analyst, { intent: "disseminate", recipientId: to.id, handlingCode: "H0" });
    expect(refused.status).toBe(403);

    const sent = await postForm(`/leads/${lead.id}`, liaison, { intent: "disseminate", recipientId: to.id, handlingCode: "H2", restriction: "", note: "" });
    expect(sent.status).toBe(302);
    const reportPath = sent.location!;
    expect(reportPath).toMatch(/^\/disseminations\/[^/]+\/report$/);
    const report = await page(reportPath, analyst);
    expect(report.status).toBe(200);
    expect(report.html.match(/class="report-banner (top|bottom)"/g)).toHaveLength(2);
    expect(report.html).toContain("TLP:GREEN");
    expect(report.html).toContain("H2: not to be disseminated further");
    expect(report.html).not.toContain("Kowalski");

    const json = await page(reportPath.replace(/report$/, "package"), analyst);
    expect(json.headers.get("content-disposition")).toMatch(/attachment; filename="dissemination-.+\.json"/);
    expect(JSON.parse(json.html).package.lead.hypothesis).toBe("Label and socket");
    expect((await page(reportPath, await cookieOf((await createActor({ role: "ANALYST" })).id))).status).toBe(404);
    expect((await page("/disseminations", analyst)).html).toContain("Room is in Poland");
  });
});
