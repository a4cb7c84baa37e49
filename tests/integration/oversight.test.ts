// Oversight and reports (issue 12, points 7-9): the audit trail as admins and coordinators may read it, the
// coordinator's taskforce overview (counting only what they may see) and the case package in JSON, CSV and print.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { flushAuditRecords, recordAudit } from "~/models/audit.server";
import { forgetAuditChainStatus, listAuditEvents } from "~/models/audit-log.server";
import { taskforceOverview } from "~/models/taskforce-overview.server";
import { apiCallerFor, type ApiCaller } from "../helpers/api";
import { createTask } from "../helpers/edge";
import { createTeam } from "../helpers/factories";
import { sessionCookie } from "../helpers/pages";
import { startTestServer, type TestServer } from "../helpers/server";
import { clueAs, clueWithCode, leadAs, type Team } from "../helpers/workspace";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

async function page(path: string, userId: string) {
  const response = await fetch(`${server.url}${path}`, { headers: { Cookie: await sessionCookie(userId) }, redirect: "manual" });
  return { status: response.status, html: await response.text() };
}

/** A raw API GET (CSV bodies are not JSON), still checked against the OpenAPI document by setup.ts. */
async function rawGet(path: string, userId: string) {
  const response = await fetch(`${server.url}/api/v1${path}`, { headers: { Cookie: await sessionCookie(userId) } });
  return { status: response.status, type: response.headers.get("content-type") ?? "", headers: response.headers, text: await response.text() };
}

async function auditRows(where: { actorId: string; action: string }) {
  await flushAuditRecords();
  return prisma.auditEvent.findMany({ where, orderBy: { id: "asc" } });
}

describe("the audit trail", () => {
  let team: Team;
  let other: Team;
  let asCoordinator: ApiCaller;
  let asAdmin: ApiCaller;
  let redClueId: string;

  beforeAll(async () => {
    [team, other] = await Promise.all([createTeam(), createTeam()]);
    await clueAs(team.analyst, team.case.id);
    await clueAs(other.analyst, other.case.id);
    // A TLP:RED clue the coordinator is not named on: they may see that it was read, not what its events say.
    redClueId = (await clueWithCode(team.analyst, team.case.id, "RED")).id;
    await recordAudit({ actor: team.analyst, action: "clue.share_note", itemType: "CLUE", itemId: redClueId, taskforceId: team.taskforce.id, details: { note: "RED secret words" } });
    // A cell a spreadsheet would run as a formula.
    await recordAudit({ actor: team.analyst, action: "test.injection", taskforceId: team.taskforce.id, details: { x: 1 }, origin: { ip: "=HYPERLINK(1)" } });
    await flushAuditRecords();
    [asCoordinator, asAdmin] = await Promise.all([apiCallerFor(server.url, team.coordinator), apiCallerFor(server.url, team.admin)]);
  });

  it("shows a coordinator only the events of their own taskforces", async () => {
    const { status, body } = await asCoordinator("GET", "/audit?take=200");
    expect(status).toBe(200);
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.every((item: { taskforceId: string }) => item.taskforceId === team.taskforce.id)).toBe(true);
    expect(body.items.some((item: { actorId: string }) => item.actorId === other.analyst.id)).toBe(false);
  });

  it("answers 404 when a coordinator asks for another taskforce's events", async () => {
    const { status } = await asCoordinator("GET", `/audit?taskforceId=${other.taskforce.id}`);
    expect(status).toBe(404);
  });

  it("shows an administrator every taskforce's events", async () => {
    const { status, body } = await asAdmin("GET", `/audit?taskforceId=${other.taskforce.id}&take=200`);
    expect(status).toBe(200);
    expect(body.items.some((item: { actorId: string }) => item.actorId === other.analyst.id)).toBe(true);
  });

  it.each([
    ["an analyst", () => team.analyst],
    ["a liaison", () => team.liaison],
  ])("refuses %s (403), on the API and the page", async (_name, who) => {
    const as = await apiCallerFor(server.url, who());
    expect((await as("GET", "/audit")).status).toBe(403);
    expect((await page("/audit", who().id)).status).toBe(403);
  });

  it("filters by actor, action, item and dates", async () => {
    const byAction = await asCoordinator("GET", `/audit?action=clue.create&actor=${encodeURIComponent(team.analyst.email.toUpperCase())}`);
    expect(byAction.body.items.length).toBe(2);
    expect(byAction.body.items.every((item: { action: string; actorId: string }) => item.action === "clue.create" && item.actorId === team.analyst.id)).toBe(true);
    const family = await asCoordinator("GET", "/audit?action=clue.&take=200");
    expect(family.body.items.length).toBeGreaterThanOrEqual(3);
    expect(family.body.items.every((item: { action: string }) => item.action.startsWith("clue."))).toBe(true);
    const byItem = await asCoordinator("GET", `/audit?itemType=CLUE&itemId=${redClueId}`);
    // (The clue may also have linked to a like-valued clue of another test: correlation records its links.)
    const itemActions = byItem.body.items.map((item: { action: string }) => item.action).filter((action: string) => !action.startsWith("correlation."));
    expect(itemActions.sort()).toEqual(["clue.create", "clue.share_note"]);
    const future = await asCoordinator("GET", "/audit?from=2999-01-01");
    expect(future.body.items).toEqual([]);
    const past = await asCoordinator("GET", "/audit?to=2000-01-01");
    expect(past.body.items).toEqual([]);
    const bad = await asCoordinator("GET", "/audit?from=2026-12-02&to=2026-12-01");
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.to).toBeDefined();
  });

  it("pages newest first by keyset, without repeating or skipping an event", async () => {
    const all = await asCoordinator("GET", "/audit?take=200");
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const next: { body: { items: { id: string }[]; nextCursor: string | null } } = await asCoordinator("GET", `/audit?take=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...next.body.items.map((item) => item.id));
      cursor = next.body.nextCursor;
    } while (cursor);
    // The listing itself adds audit.view events without a taskforce, so the coordinator's view does not move.
    expect(seen).toEqual(all.body.items.map((item: { id: string }) => item.id));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("withholds from a coordinator the details of events about an item they may not see", async () => {
    const { body } = await asCoordinator("GET", `/audit?itemId=${redClueId}&action=clue.share_note`);
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ detailsWithheld: true, details: null, ip: null });
    expect(JSON.stringify(body)).not.toContain("RED secret words");
    const admin = await asAdmin("GET", `/audit?itemId=${redClueId}&action=clue.share_note`);
    expect(admin.body.items[0].details).toEqual({ note: "RED secret words" });
  });

  it("reports the chain's state as audit:verify does", async () => {
    forgetAuditChainStatus();
    const { body } = await asAdmin("GET", "/audit?take=1");
    expect(body.chain.state).toBe("intact");
    expect(body.chain.intactUpTo).toBeGreaterThanOrEqual(0);
    expect(body.chain.unsealed.count).toBeGreaterThanOrEqual(0);
    const { html } = await page("/audit", team.coordinator.id);
    expect(html).toContain("Integrity of the audit chain");
    expect(html).toMatch(/Intact<\/strong> up to event (<!-- -->)?\d+/);
  });

  it("exports the filtered view as CSV, safe against formulas", async () => {
    const { status, type, text, headers } = await rawGet(`/audit?format=csv&action=test.injection`, team.admin.id);
    expect(status).toBe(200);
    expect(type).toContain("text/csv");
    expect(headers.get("content-disposition")).toMatch(/attachment; filename="audit-/);
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toBe("id,at,actorEmail,actorId,action,outcome,itemType,itemId,taskforceId,caseId,ip,details,sealed");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(",'=HYPERLINK(1),");
    expect(lines[1]).not.toMatch(/,=HYPERLINK/);
  });

  it("records every viewing and export of the audit trail", async () => {
    await asCoordinator("GET", "/audit?action=clue.create");
    await rawGet("/audit?format=csv&action=clue.create", team.coordinator.id);
    const views = await auditRows({ actorId: team.coordinator.id, action: "audit.view" });
    expect(views.at(-1)?.details).toMatchObject({ filters: { action: "clue.create" } });
    const exports = await auditRows({ actorId: team.coordinator.id, action: "audit.export" });
    expect(exports.at(-1)?.details).toMatchObject({ format: "csv", filters: { action: "clue.create" } });
  });

  it("lists on the page with filters kept in the CSV and next-page links", async () => {
    const { status, html } = await page(`/audit?action=clue.create&take=1`, team.coordinator.id);
    expect(status).toBe(200);
    expect(html).toContain("/api/v1/audit?action=clue.create&amp;format=csv");
    expect(html).toContain("clue.create");
  });

  it("has an index that reads a taskforce's newest page in order (no sort over the table)", async () => {
    // A small test table may be scanned; with scans priced out, the plan must be the keyset index, unsorted.
    const plan = await prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
        `EXPLAIN SELECT id FROM "AuditEvent" a WHERE a."taskforceId" = '${team.taskforce.id}' ORDER BY a."at" DESC, a."id" DESC LIMIT 51`,
      );
    });
    const text = plan.map((row) => row["QUERY PLAN"]).join("\n");
    expect(text).toContain("AuditEvent_taskforceId_at_id_idx");
    expect(text).not.toMatch(/\bSort\b/);
  });
});

describe("the taskforce overview", () => {
  let team: Team;

  beforeAll(async () => {
    team = await createTeam();
    await clueAs(team.analyst, team.case.id);
    await clueAs(team.coordinator, team.case.id, { category: "text_language", value: "Label in Polish" });
    // Hidden from the coordinator: RED by an analyst naming nobody, AMBER+STRICT of another agency.
    await clueWithCode(team.analyst, team.case.id, "RED");
    await clueWithCode(team.analystOtherAgency, team.case.id, "AMBER_STRICT");
    await leadAs(team.analyst, team.case.id, { handlingCode: "RED" });
    await leadAs(team.analyst, team.case.id);
    const hiddenLead = await leadAs(team.analystOtherAgency, team.case.id, { handlingCode: "AMBER_STRICT" });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await createTask(team.coordinator, team.case.id, { title: "Overdue check", assigneeId: team.analyst.id, dueDate: yesterday });
    await createTask(team.coordinator, team.case.id, { title: "Not due", assigneeId: team.analyst.id });
    // An overdue task on a lead the coordinator may not see: not counted for them.
    const hiddenTask = await prisma.task.create({
      data: { caseId: team.case.id, taskforceId: team.taskforce.id, leadId: hiddenLead.id, title: "Hidden", assigneeId: team.analystOtherAgency.id, createdById: team.analystOtherAgency.id, dueDate: new Date(Date.now() - 86_400_000) },
    });
    expect(hiddenTask.id).toBeTruthy();
  });

  it("counts only what the coordinator may see", async () => {
    const overview = await taskforceOverview(team.coordinator, team.taskforce.id);
    const clueTotal = overview.cluesByCategory.reduce((sum, row) => sum + row.count, 0);
    expect(clueTotal).toBe(2);
    expect(overview.leadsByStatus.find((row) => row.status === "OPEN")?.count).toBe(1);
    expect(overview.overdueByAssignee).toEqual([expect.objectContaining({ assigneeId: team.analyst.id, count: 1 })]);
    const today = overview.activity.at(-1)!;
    expect(overview.activity).toHaveLength(30);
    expect(today).toMatchObject({ clues: 2, leads: 1, tasks: 2 });
  });

  it("is not open to analysts (403)", async () => {
    const analystView = await taskforceOverview(team.analyst, team.taskforce.id).catch((error: Error) => error);
    // Analysts have no overview: it is a coordinator's page.
    expect(analystView).toBeInstanceOf(Error);
    expect((analystView as { status?: number }).status).toBe(403);
  });

  it("is served by the API, checked against the OpenAPI document", async () => {
    const asCoordinator = await apiCallerFor(server.url, team.coordinator);
    const { status, body } = await asCoordinator("GET", `/taskforces/${team.taskforce.id}/overview`);
    expect(status).toBe(200);
    expect(body.leadsByStatus).toHaveLength(4);
    const outsider = await apiCallerFor(server.url, team.outsider);
    expect((await outsider("GET", `/taskforces/${team.taskforce.id}/overview`)).status).toBe(404);
  });

  it("draws accessible inline SVG charts linking to the filtered lists", async () => {
    const { status, html } = await page(`/overview?taskforceId=${team.taskforce.id}`, team.coordinator.id);
    expect(status).toBe(200);
    expect(html).toContain('role="img"');
    expect(html).toMatch(/<svg[^>]*aria-labelledby="chart-categories-title chart-categories-desc"/);
    expect(html).toContain('<title id="chart-categories-title">Clues per category</title>');
    expect(html).not.toMatch(/<img\b/);
    expect(html).toContain(`/search?taskforceId=${team.taskforce.id}&amp;kind=CLUES&amp;category=architecture_fixture`);
    expect(html).toContain(`/board?taskforceId=${team.taskforce.id}&amp;assigneeId=${team.analyst.id}&amp;overdue=true`);
    expect(html).toContain("Overdue tasks per assignee (table)");
  });

  it("refuses the page to an analyst and a liaison", async () => {
    expect((await page("/overview", team.analyst.id)).status).toBe(403);
    expect((await page("/overview", team.liaison.id)).status).toBe(403);
  });

  it("lands on lists that take the overview's filters", async () => {
    const board = await page(`/board?taskforceId=${team.taskforce.id}&assigneeId=${team.analyst.id}&overdue=true`, team.coordinator.id);
    expect(board.status).toBe(200);
    expect(board.html).toContain("Overdue check");
    expect(board.html).not.toContain("Not due");
    const search = await page(`/search?taskforceId=${team.taskforce.id}&kind=CLUES&category=text_language`, team.coordinator.id);
    expect(search.status).toBe(200);
    expect(search.html).toContain("Label in Polish");
    expect(search.html).not.toContain("Power socket type F");
  });
});

describe("the case report", () => {
  let team: Team;

  beforeAll(async () => {
    team = await createTeam();
    await clueAs(team.analyst, team.case.id, { value: "=cmd|' /C calc'!A0" });
    await clueWithCode(team.analyst, team.case.id, "RED", { value: "Red only clue" });
    await clueWithCode(team.coordinator, team.case.id, "AMBER_STRICT", { value: "Strict clue" });
    const lead = await leadAs(team.coordinator, team.case.id);
    await createTask(team.coordinator, team.case.id, { title: "Follow the socket", assigneeId: team.analyst.id, leadId: lead.id });
  });

  it("packages only what the exporter may see, marked with the strictest code in it", async () => {
    const asCoordinator = await apiCallerFor(server.url, team.coordinator);
    const { status, body } = await asCoordinator("GET", `/cases/${team.case.id}/export`);
    expect(status).toBe(200);
    expect(body.clues.map((clue: { value: string }) => clue.value)).not.toContain("Red only clue");
    expect(body.clues).toHaveLength(2);
    expect(body.handlingCode).toBe("AMBER_STRICT");
    expect(body.tasks.map((task: { title: string }) => task.title)).toEqual(["Follow the socket"]);
    const asAnalyst = await apiCallerFor(server.url, team.analyst);
    expect((await asAnalyst("GET", `/cases/${team.case.id}/export`)).body.handlingCode).toBe("RED");
    const asOtherAgency = await apiCallerFor(server.url, team.analystOtherAgency);
    const otherAgency = await asOtherAgency("GET", `/cases/${team.case.id}/export`);
    expect(otherAgency.body.handlingCode).toBe("AMBER");
    expect(otherAgency.body.clues).toHaveLength(1);
  });

  it("exports CSV with the marking in its first row, its header and its file name, formula-safe", async () => {
    const { status, type, text, headers } = await rawGet(`/cases/${team.case.id}/export?format=csv`, team.coordinator.id);
    expect(status).toBe(200);
    expect(type).toContain("text/csv");
    expect(headers.get("x-handling-code")).toBe("AMBER_STRICT");
    expect(headers.get("content-disposition")).toContain(`${team.case.reference}-TLP_AMBER_STRICT.csv`);
    const lines = text.split("\r\n");
    expect(lines[0].startsWith("record,id,handlingCode,title")).toBe(true);
    expect(lines[1]).toMatch(/^package,[^,]+,TLP:AMBER\+STRICT,/);
    expect(text).toContain(`,'=cmd|' /C calc'!A0,`);
    expect(text).not.toContain("Red only clue");
    expect(lines.filter((line) => line.startsWith("clue,"))).toHaveLength(2);
    expect(lines.filter((line) => line.startsWith("lead,"))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith("task,"))).toHaveLength(1);
  });

  it("prints a report with the marking at the head and foot of every page", async () => {
    const { status, html } = await page(`/cases/${team.case.id}/report`, team.coordinator.id);
    expect(status).toBe(200);
    expect(html).toContain('class="report-banner top code-AMBER_STRICT"');
    expect(html).toContain("report-footer-banner code-AMBER_STRICT");
    expect(html).toContain("Strict clue");
    expect(html).not.toContain("Red only clue");
    expect(html).toContain("Follow the socket");
    const outsider = await page(`/cases/${team.case.id}/report`, team.outsider.id);
    expect(outsider.status).toBe(404);
  });

  it("records every export with its format", async () => {
    await flushAuditRecords();
    const rows = await prisma.auditEvent.findMany({ where: { actorId: team.coordinator.id, action: "case.export" }, orderBy: { id: "asc" } });
    const formats = rows.map((row) => (row.details as { format: string }).format);
    expect(formats).toEqual(expect.arrayContaining(["json", "csv", "html"]));
    expect(rows.every((row) => row.caseId === team.case.id && (row.details as { handlingCode: string }).handlingCode === "AMBER_STRICT")).toBe(true);
  });

  it("offers the report on the case page", async () => {
    const { html } = await page(`/cases/${team.case.id}`, team.liaison.id);
    expect(html).toContain(`/cases/${team.case.id}/report`);
  });
});

describe("audit listing through the model", () => {
  it("refuses nobody silently: an admin with no taskforce still reads everything", async () => {
    const team = await createTeam();
    const result = await listAuditEvents(team.admin, { take: 5 });
    expect(result.items.length).toBeLessThanOrEqual(5);
  });
});
