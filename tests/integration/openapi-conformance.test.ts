// The OpenAPI document against the running API. Every /api/v1 response of every integration test is checked
// against the document (tests/helpers/api-conformance.ts, installed by setup.ts); this file makes sure that
// check sees every documented operation succeed at least once, and that the served document is the one the
// check uses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument, openApiDocumentFor } from "~/utils/openapi.server";
import { apiCallerFor } from "../helpers/api";
import { apiContract, apiExchanges, contractProblems } from "../helpers/api-conformance";
import { createTeam } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";
import { SHA256 } from "../helpers/workspace";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe("the OpenAPI document", () => {
  it("is served as the app builds it, so responses are checked against what clients read", async () => {
    const team = await createTeam();
    const api = await apiCallerFor(server.url, team.analyst);
    const served = await api("GET", "/openapi.json");
    expect(served.status).toBe(200);
    expect(served.body).toEqual(JSON.parse(JSON.stringify(openApiDocumentFor(team.analyst))));
    // An administrator reads the whole document: the one the check uses.
    const admin = await apiCallerFor(server.url, team.admin);
    expect((await admin("GET", "/openapi.json")).body).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });

  it("refuses what it does not promise: an undocumented status, a body of the wrong shape, an operation it does not have", () => {
    const list = (body: unknown, status = 200) => contractProblems("GET", "/cases", status, "application/json", JSON.stringify(body)).problems;
    expect(list([])).toEqual([]);
    expect(list({ items: [] })).not.toEqual([]);
    expect(list({ error: { code: "INTERNAL", message: "x" } }, 500)).not.toEqual([]);
    expect(contractProblems("DELETE", "/cases", 200, "application/json", "{}").problems).not.toEqual([]);
    expect(contractProblems("DELETE", "/cases", 405, "application/json", JSON.stringify({ error: { code: "METHOD_NOT_ALLOWED", message: "Use GET, POST" } })).problems).toEqual([]);
  });

  it("describes every operation with a response the API really gives (each one exercised and validated here)", async () => {
    const team = await createTeam();
    const [analyst, coordinator, liaison] = await Promise.all([team.analyst, team.coordinator, team.liaison].map((actor) => apiCallerFor(server.url, actor)));
    const ok = async (call: Promise<{ status: number; body: unknown; text: string }>) => {
      const response = await call;
      expect(response.status, response.text).toBeLessThan(300);
      return response.body as { id: string; version: number };
    };
    const clueBody = { category: "text_language", value: "Tram line 4 sign", mediaRefs: [{ algorithm: "SHA256", value: SHA256 }], handlingCode: "GREEN" };

    await ok(analyst("GET", "/openapi.json"));
    const kase = await ok(coordinator("POST", "/cases", { taskforceId: team.taskforce.id, reference: `VID-OAS-${Date.now()}`, title: "Conformance case" }, { "Idempotency-Key": `case-${Date.now()}` }));
    await ok(analyst("GET", "/cases?status=OPEN"));
    await ok(analyst("GET", `/cases/${kase.id}`));
    await ok(coordinator("PATCH", `/cases/${kase.id}`, { version: kase.version, summary: "Series from a referral" }));
    const clue = await ok(analyst("POST", `/cases/${kase.id}/clues`, clueBody));
    await ok(analyst("GET", `/cases/${kase.id}/clues?take=5`));
    await ok(analyst("GET", `/clues/${clue.id}`));
    const editedClue = await ok(analyst("PATCH", `/clues/${clue.id}`, { version: clue.version, detail: "Blue and white sign" }));
    const lead = await ok(analyst("POST", `/cases/${kase.id}/leads`, { title: "Tram city", clueIds: [clue.id] }));
    await ok(analyst("GET", `/cases/${kase.id}/leads`));
    await ok(analyst("GET", `/leads/${lead.id}`));
    await ok(analyst("PATCH", `/leads/${lead.id}`, { version: lead.version, priority: "HIGH" }));
    const task = await ok(coordinator("POST", `/cases/${kase.id}/tasks`, { title: "List tram networks", assigneeId: team.analyst.id, leadId: lead.id, dueDate: "2030-01-01" }));
    await ok(analyst("GET", `/cases/${kase.id}/tasks`));
    await ok(analyst("GET", `/tasks/${task.id}`));
    await ok(analyst("PATCH", `/tasks/${task.id}`, { version: task.version, status: "DOING" }));
    await ok(coordinator("GET", `/tasks/board?caseId=${kase.id}`));
    await ok(analyst("GET", "/tasks/mine"));
    for (const [collection, id] of [["clues", clue.id], ["leads", lead.id], ["tasks", task.id]] as const) {
      await ok(analyst("POST", `/${collection}/${id}/comments`, { body: "Checked." }));
      await ok(analyst("GET", `/${collection}/${id}/comments`));
    }
    await ok(analyst("GET", `/clues/${clue.id}/correlations`));
    await ok(analyst("GET", `/cases/${kase.id}/correlations`));
    const spare = await ok(analyst("POST", `/cases/${kase.id}/clues`, { category: "other", value: "Spare clue to delete" }));
    await ok(analyst("DELETE", `/clues/${spare.id}`));
    await ok(analyst("GET", `/cases/${kase.id}/export`));
    await ok(coordinator("GET", `/taskforces/${team.taskforce.id}/overview`));
    await ok(coordinator("GET", "/audit?action=clue.&take=5"));
    await ok(analyst("GET", `/search?q=tram&kind=ALL`));
    await ok(analyst("POST", `/clues/${clue.id}/review`));
    await ok(liaison("GET", "/reviews"));
    await ok(liaison("POST", `/clues/${clue.id}/review/decision`, { decision: "APPROVED", note: "Fine to share", version: editedClue.version }));
    await ok(analyst("GET", "/notifications?unread=true"));
    await ok(analyst("POST", "/notifications/read", { all: true }));

    // Administration: every operation once, by an administrator.
    const admin = await apiCallerFor(server.url, team.admin);
    const created = (await ok(admin("POST", "/admin/users", { email: `oas-${Date.now()}@agency.example`, displayName: "Conformance", agency: "Agency A", role: "ANALYST" }))) as unknown as { user: { id: string } };
    const userId = created.user.id;
    await ok(admin("GET", "/admin/users"));
    await ok(admin("PATCH", `/admin/users/${userId}`, { vettingState: "VETTED", vettingExpiresAt: "2030-01-01" }));
    await ok(admin("POST", `/admin/users/${userId}/activate`));
    await ok(admin("POST", `/admin/users/${userId}/suspend`));
    await ok(admin("POST", `/admin/users/${userId}/reinstate`));
    await ok(admin("POST", `/admin/users/${userId}/second-factor-reset`));
    await ok(admin("POST", `/admin/users/${userId}/one-time-password`));
    const taskforce = await ok(admin("POST", "/admin/taskforces", { name: `Conformance ${Date.now()}` }));
    await ok(admin("GET", "/admin/taskforces"));
    await ok(admin("POST", `/admin/taskforces/${taskforce.id}/members`, { email: team.outsider.email }));
    await ok(admin("DELETE", `/admin/taskforces/${taskforce.id}/members/${team.outsider.id}`));

    // Dissemination (issue 12): a contact point, an approved GREEN lead, the package, the list.
    const recipient = await ok(admin("POST", "/admin/recipients", { country: "Poland", agency: `Policja ${Date.now()}`, contactPoint: "SPOC" }));
    await ok(admin("GET", "/admin/recipients"));
    await ok(admin("PATCH", `/admin/recipients/${recipient.id}`, { active: true }));
    const greenLead = await ok(analyst("POST", `/cases/${kase.id}/leads`, { title: "Tram city, for partners", clueIds: [clue.id], handlingCode: "GREEN" }));
    await ok(analyst("POST", `/leads/${greenLead.id}/review`));
    await ok(liaison("POST", `/leads/${greenLead.id}/review/decision`, { decision: "APPROVED", redaction: { hypothesis: "Redacted" } }));
    const sent = await ok(liaison("POST", `/leads/${greenLead.id}/disseminations`, { recipientId: recipient.id, handlingCode: "H0" }));
    await ok(analyst("GET", "/disseminations"));
    await ok(analyst("GET", `/disseminations/${sent.id}`));
    // Where was this made? (issue 14)
    await ok(analyst("PATCH", `/clues/${clue.id}`, { version: editedClue.version, facets: [{ type: "plugType", value: "F" }] }));
    await ok(analyst("GET", `/cases/${kase.id}/narrowing`));
    await ok(analyst("GET", `/leads/${lead.id}/narrowing`));
    await ok(coordinator("POST", `/cases/${kase.id}/narrowing/tasks`, { countries: ["DE"], assigneeId: team.analyst.id, subject: "tram line 4 signs" }));
    await ok(admin("POST", "/admin/reference/countries/PL/corrections", { field: "emergencyNumbers", value: ["112", "997", "998"], reason: "Conformance" }));
    await ok(admin("GET", "/admin/reference/countries/PL"));

    const succeeded = new Set(apiExchanges().filter((exchange) => exchange.status < 300).map((exchange) => exchange.operationId));
    const documented = apiContract().operations.map((operation) => operation.operationId);
    expect(documented.filter((operationId) => !succeeded.has(operationId)), "documented operations never exercised").toEqual([]);
  });
});
