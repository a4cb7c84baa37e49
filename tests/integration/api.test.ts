// The JSON API over HTTP against the real server (build first: `npx remix build`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { apiCallerFor, type ApiCaller, type Json } from "../helpers/api";
import { startTestServer, type TestServer } from "../helpers/server";
import { createTeam } from "../helpers/factories";
import { SHA256, type Team } from "../helpers/workspace";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

type Caller = (...args: Parameters<ApiCaller>) => Promise<{ status: number; body: Json }>;

/** Status and parsed body only: a retried create must answer the same JSON, not byte for byte the same text. */
async function callerFor(actor: Actor): Promise<Caller> {
  const call = await apiCallerFor(server.url, actor);
  return async (...args) => {
    const { status, body } = await call(...args);
    return { status, body };
  };
}

async function callers(team: Team) {
  const entries = await Promise.all(
    (["analyst", "analystOtherAgency", "coordinator", "liaison", "outsider", "admin"] as const).map(async (role) => [role, await callerFor(team[role])] as const),
  );
  return Object.fromEntries(entries) as Record<(typeof entries)[number][0], Caller>;
}

const clueBody = (overrides: Record<string, unknown> = {}) => ({
  category: "text_language",
  value: "Shampoo label in Polish",
  detail: "Brand X, sold 2016-2019",
  confidence: "HIGH",
  mediaRefs: [{ algorithm: "SHA256", value: SHA256 }],
  handlingCode: "AMBER",
  evaluation: { sourceReliability: "B", infoAssessment: 2 },
  ...overrides,
});

describe("API v1", () => {
  it("refuses a request without a valid token with 401 JSON", async () => {
    const response = await fetch(`${server.url}/api/v1/cases`, { headers: { Authorization: "Bearer cbt_nope" } });
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBeDefined();
  });

  it("creates and reads cases, clues, leads, tasks and comments", async () => {
    const team = await createTeam();
    const as = await callers(team);
    const created = await as.coordinator("POST", "/cases", { taskforceId: team.taskforce.id, reference: `VID-API-${Date.now()}`, title: "API case", originKind: "ICSE", originText: "ICSE series 12345" });
    expect(created.status).toBe(201);
    const caseId = created.body.id;
    expect((await as.analyst("GET", "/cases")).body.map((c: { id: string }) => c.id)).toContain(caseId);

    const clue = await as.analyst("POST", `/cases/${caseId}/clues`, clueBody());
    expect(clue.status).toBe(201);
    expect(clue.body).toMatchObject({ value: "Shampoo label in Polish", evaluation: { sourceReliability: "B", infoAssessment: 2 }, version: 1 });
    expect(clue.body.mediaRefs[0]).toMatchObject({ algorithm: "SHA256", value: SHA256 });
    expect((await as.analyst("GET", `/cases/${caseId}`)).body.clueCounts).toEqual([{ categoryKey: "text_language", label: expect.any(String), count: 1 }]);
    const page = await as.analyst("GET", `/cases/${caseId}/clues?take=10`);
    expect(page.body).toMatchObject({ items: [{ id: clue.body.id }], nextCursor: null });

    const lead = await as.analyst("POST", `/cases/${caseId}/leads`, { title: "Polish household", clueIds: [clue.body.id] });
    expect(lead.status).toBe(201);
    expect((await as.analyst("GET", `/leads/${lead.body.id}`)).body.clues.map((c: { id: string }) => c.id)).toEqual([clue.body.id]);
    expect((await as.analyst("GET", `/cases/${caseId}/leads`)).body).toHaveLength(1);

    const task = await as.coordinator("POST", `/cases/${caseId}/tasks`, { title: "Check retailers", assigneeId: team.analyst.id, leadId: lead.body.id, dueDate: "2030-01-01" });
    expect(task.status).toBe(201);
    const moved = await as.analyst("PATCH", `/tasks/${task.body.id}`, { version: 1, status: "DOING" });
    expect(moved.body).toMatchObject({ status: "DOING", version: 2 });
    expect((await as.analyst("GET", `/cases/${caseId}/tasks`)).body.map((t: { id: string }) => t.id)).toEqual([task.body.id]);
    expect((await as.analyst("GET", "/tasks/mine")).body.map((t: { id: string }) => t.id)).toEqual([task.body.id]);
    expect((await as.coordinator("GET", `/tasks/board?caseId=${caseId}`)).body.lanes[0].assignee.id).toBe(team.analyst.id);

    const comment = await as.coordinator("POST", `/leads/${lead.body.id}/comments`, { body: `@${team.analyst.email} can you check the label?` });
    expect(comment.status).toBe(201);
    expect(comment.body.mentions.map((m: { id: string }) => m.id)).toEqual([team.analyst.id]);
    expect((await as.analyst("GET", `/leads/${lead.body.id}/comments`)).body).toHaveLength(1);
    expect((await as.analyst("POST", `/clues/${clue.body.id}/comments`, { body: "Seen." })).status).toBe(201);
    expect((await as.analyst("POST", `/tasks/${task.body.id}/comments`, { body: "On it." })).status).toBe(201);

    const found = await as.analyst("GET", `/search?q=${encodeURIComponent("polish")}`);
    expect(found.status).toBe(200);
    expect(found.body.clues.map((c: { id: string }) => c.id)).toEqual([clue.body.id]);
    expect(found.body.leads[0].caseReference).toBe(created.body.reference);
    expect(found.body.ranking.clues).toEqual({ bounded: false, candidates: 1, explanation: "Best of all 1 match." });
  });

  it("answers 404 without leaking existence to everyone not entitled to an item", async () => {
    const team = await createTeam();
    const as = await callers(team);
    const red = await as.analyst("POST", `/cases/${team.case.id}/clues`, clueBody({ handlingCode: "RED", value: "Quokka poster" }));
    const strict = await as.analyst("POST", `/cases/${team.case.id}/clues`, clueBody({ handlingCode: "AMBER_STRICT", value: "Quokka mug" }));
    const green = await as.analyst("POST", `/cases/${team.case.id}/clues`, clueBody({ handlingCode: "GREEN", value: "Quokka towel" }));
    const missing = await as.analyst("GET", "/clues/does-not-exist");
    expect(missing.status).toBe(404);
    const refusals: [string, Caller, string][] = [
      ["member of another taskforce", as.outsider, green.body.id],
      ["another agency under AMBER+STRICT", as.analystOtherAgency, strict.body.id],
      ["a member not named under RED", as.coordinator, red.body.id],
      ["a liaison outside review", as.liaison, green.body.id],
      ["an admin", as.admin, green.body.id],
    ];
    for (const [who, call, id] of refusals) {
      const response = await call("GET", `/clues/${id}`);
      expect(response.status, who).toBe(404);
      expect(response.body, who).toEqual(missing.body);
      expect((await call("PATCH", `/clues/${id}`, { version: 1, value: "x" })).status, who).toBe(404);
      expect((await call("GET", `/clues/${id}/comments`)).status, who).toBe(404);
      const results = await call("GET", "/search?q=quokka");
      expect(results.status, who).toBe(200);
      expect(results.body.clues.map((c: { id: string }) => c.id), who).not.toContain(id);
    }
    expect((await as.outsider("GET", `/cases/${team.case.id}`)).status).toBe(404);
    expect((await as.admin("GET", `/cases/${team.case.id}/clues`)).status).toBe(404);
  });

  it("refuses a stale edit with 409 and the current version", async () => {
    const team = await createTeam();
    const as = await callers(team);
    const clue = await as.analyst("POST", `/cases/${team.case.id}/clues`, clueBody());
    expect((await as.coordinator("PATCH", `/clues/${clue.body.id}`, { version: 1, detail: "Coordinator was first" })).status).toBe(200);
    const stale = await as.analyst("PATCH", `/clues/${clue.body.id}`, { version: 1, detail: "Analyst was second" });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: "STALE_VERSION", current: { version: 2, detail: "Coordinator was first" } });
    expect(stale.body.error.message).toMatch(/version 2/);
  });

  it("refuses media with 422 naming the field, and malformed input with 400/422, never 500", async () => {
    const team = await createTeam();
    const as = await callers(team);
    const media = await as.analyst("POST", `/cases/${team.case.id}/clues`, clueBody({ detail: "<img src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8\">" }));
    expect(media.status).toBe(422);
    expect(media.body.error.code).toBe("VALIDATION_FAILED");
    expect(media.body.error.fields.detail[0]).toMatch(/text-only/);
    const malformed = await as.analyst("POST", `/cases/${team.case.id}/clues`, "{ not json");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/not valid JSON/);
    // The refusal says where, never quotes the body back (it may be a file's bytes).
    const jpegAsJson = await as.analyst("POST", `/cases/${team.case.id}/clues`, "\u00ff\u00d8\u00ff\u00e0JFIF-secret-bytes");
    expect(jpegAsJson.status).toBe(400);
    expect(jpegAsJson.body.error.message).not.toMatch(/JFIF|secret/);
    const weird = [[1, 2], "null", "42", { value: { nested: true } }, { category: 5, mediaRefs: "bogus", evaluation: "x", recipientIds: 7 }];
    for (const body of weird) {
      const response = await as.analyst("POST", `/cases/${team.case.id}/clues`, typeof body === "string" ? body : body);
      expect(response.status, JSON.stringify(body)).toBe(422);
    }
    const badRef = await as.analyst("POST", `/cases/${team.case.id}/clues`, clueBody({ mediaRefs: [{ algorithm: "SHA1", value: "xyz" }] }));
    expect(badRef.body.error.fields["mediaRefs.0.value"]).toBeDefined();
    expect((await as.analyst("PATCH", `/clues/nope`, { version: "abc" })).status).toBe(422);
    expect((await as.analyst("GET", `/cases/${team.case.id}/clues?take=9999`)).status).toBe(422);
    expect((await as.analyst("GET", `/cases/${team.case.id}/clues?cursor=garbage`)).status).toBe(422);
    expect((await as.analyst("GET", "/search?q=")).status).toBe(422);
    expect((await as.analyst("GET", "/search?q=%25%27%22%5C")).status).toBe(200);
    expect((await as.analyst("DELETE", "/cases")).status).toBe(405);
    const unknown = await as.analyst("GET", "/no-such-thing");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("NOT_FOUND");
  });

  it("lets only the author or a coordinator lower a code, audited", async () => {
    const team = await createTeam();
    const as = await callers(team);
    const clue = await as.analyst("POST", `/cases/${team.case.id}/clues`, clueBody({ handlingCode: "AMBER" }));
    expect((await as.analystOtherAgency("PATCH", `/clues/${clue.body.id}`, { version: 1, handlingCode: "CLEAR" })).status).toBe(403);
    const lowered = await as.coordinator("PATCH", `/clues/${clue.body.id}`, { version: 1, handlingCode: "GREEN" });
    expect(lowered.status).toBe(200);
    expect(lowered.body.handlingCode).toBe("GREEN");
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { itemId: clue.body.id, action: "clue.lower_code" } });
    expect(audit.actorId).toBe(team.coordinator.id);
  });

  it("refuses a lead looser than the clues it cites with a field error", async () => {
    const team = await createTeam();
    const as = await callers(team);
    const clue = await as.analyst("POST", `/cases/${team.case.id}/clues`, clueBody({ handlingCode: "AMBER_STRICT" }));
    const lead = await as.analyst("POST", `/cases/${team.case.id}/leads`, { title: "Too loose", clueIds: [clue.body.id], handlingCode: "GREEN" });
    expect(lead.status).toBe(422);
    expect(lead.body.error.fields.handlingCode[0]).toMatch(/AMBER\+STRICT or stricter/);
  });

  it("serves an OpenAPI 3.1 document generated from the zod schemas", async () => {
    const team = await createTeam();
    const as = await callers(team);
    const { status, body } = await as.analyst("GET", "/openapi.json");
    expect(status).toBe(200);
    expect(body.openapi).toBe("3.1.0");
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(["/cases", "/cases/{caseId}", "/cases/{caseId}/clues", "/clues/{clueId}", "/leads/{leadId}", "/tasks/{taskId}", "/clues/{clueId}/comments", "/search"]));
    const clue = body.components.schemas.CreateClue;
    expect(Object.keys(clue.properties)).toEqual(expect.arrayContaining(["category", "value", "detail", "confidence", "mediaRefs", "handlingCode", "evaluation", "recipientIds"]));
    expect(clue.properties.mediaRefs.items.properties.algorithm.enum).toContain("PHOTODNA");
    expect(body.components.schemas.UpdateClue.required).toContain("version");
    expect(body.paths["/search"].get.parameters.map((p: { name: string }) => p.name)).toContain("q");
  });

  it("answers a malformed escape in the path with a JSON error, not the web server's HTML error page", async () => {
    const team = await createTeam();
    const api = await callerFor(team.analyst);
    for (const path of ["/cases/%C0%AE%C0%AE", "/clues/%ED%A0%80/comments", "/%FF/x/review"]) {
      const response = await api(path.endsWith("review") ? "POST" : "GET", path);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe("NOT_FOUND");
    }
  });

  it("rate-limits per token with 429", async () => {
    const team = await createTeam();
    const call = await callerFor(team.analyst);
    const previous = process.env.API_RATE_LIMIT_PER_MINUTE;
    process.env.API_RATE_LIMIT_PER_MINUTE = "5";
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await call("GET", "/cases")).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(5)).toEqual([429, 429]);
      const other = await callerFor(team.coordinator);
      expect((await other("GET", "/cases")).status).toBe(200);
    } finally {
      if (previous === undefined) delete process.env.API_RATE_LIMIT_PER_MINUTE;
      else process.env.API_RATE_LIMIT_PER_MINUTE = previous;
    }
  });
});

describe("API v1: export and liaison review", () => {
  it("exports only what the caller may see, marks the document with its strictest code, and audits it", async () => {
    const team = await createTeam();
    const api = await callers(team);
    const amber = await api.analyst("POST", `/cases/${team.case.id}/clues`, clueBody({ value: "Socket type F" }));
    const strict = await api.analyst("POST", `/cases/${team.case.id}/clues`, clueBody({ value: "Agency-only shampoo", handlingCode: "AMBER_STRICT" }));
    expect([amber.status, strict.status]).toEqual([201, 201]);

    const mine = await api.analyst("GET", `/cases/${team.case.id}/export`);
    expect(mine.status).toBe(200);
    expect(mine.body.clues.map((clue: Json) => clue.value).sort()).toEqual(["Agency-only shampoo", "Socket type F"]);
    expect(mine.body.handlingCode).toBe("AMBER_STRICT");

    const otherAgency = await api.analystOtherAgency("GET", `/cases/${team.case.id}/export`);
    expect(otherAgency.body.clues.map((clue: Json) => clue.value)).toEqual(["Socket type F"]);
    expect(otherAgency.body.handlingCode).toBe("AMBER");

    for (const caller of [api.outsider, api.admin]) expect((await caller("GET", `/cases/${team.case.id}/export`)).status).toBe(404);
    const audits = await prisma.auditEvent.count({ where: { action: "case.export", caseId: team.case.id } });
    expect(audits).toBe(2);
  });

  it("lets an author submit a GREEN clue for review and a liaison decide it; other collections are not there", async () => {
    const team = await createTeam();
    const api = await callers(team);
    const clue = (await api.analyst("POST", `/cases/${team.case.id}/clues`, clueBody({ value: "Tram line 4 sign", handlingCode: "GREEN" }))).body;
    expect((await api.liaison("GET", `/clues/${clue.id}`)).status).toBe(404);
    expect((await api.analyst("POST", `/clues/${clue.id}/review`)).status).toBe(201);
    const queue = await api.liaison("GET", "/reviews");
    expect(queue.status).toBe(200);
    expect(JSON.stringify(queue.body)).toContain(clue.id);

    const refused = await api.liaison("POST", `/clues/${clue.id}/review/decision`, { decision: "REJECTED" });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields.note).toBeTruthy();
    expect((await api.analyst("POST", `/clues/${clue.id}/review/decision`, { decision: "APPROVED" })).status).toBe(403);
    const approved = await api.liaison("POST", `/clues/${clue.id}/review/decision`, { decision: "APPROVED", note: "Fine for dissemination" });
    expect(approved.status).toBe(201);
    expect(approved.body.item.reviewState).toBe("APPROVED");

    expect((await api.analyst("POST", `/cases/${team.case.id}/review`)).status).toBe(404);
    expect((await api.outsider("POST", `/clues/${clue.id}/review`)).status).toBe(404);
  });

});

describe("API v1: Idempotency-Key on creates", () => {
  it("answers a retried create with the first result, and writes, audits and announces it once", async () => {
    const team = await createTeam();
    const as = await callers(team);
    const key = { "Idempotency-Key": crypto.randomUUID() };
    const first = await as.analyst("POST", `/cases/${team.case.id}/clues`, clueBody({ value: "Tram ticket, Brno" }), key);
    expect(first.status).toBe(201);
    const retry = await as.analyst("POST", `/cases/${team.case.id}/clues`, clueBody({ value: "Tram ticket, Brno" }), key);
    expect(retry).toEqual(first);
    expect(await prisma.clue.count({ where: { caseId: team.case.id, value: "Tram ticket, Brno" } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { action: "clue.create", itemId: first.body.id } })).toBe(1);
    expect(await prisma.roomEvent.count({ where: { type: "clue.created", itemId: first.body.id } })).toBe(1);

    // Every create takes it: a lead, a task, a comment and a case, each once per key.
    const creates: [Caller, string, unknown][] = [
      [as.analyst, `/cases/${team.case.id}/leads`, { title: "Brno, Czechia", hypothesis: "Tram ticket" }],
      [as.coordinator, `/cases/${team.case.id}/tasks`, { title: "Ask the Czech liaison", assigneeId: team.analyst.id }],
      [as.analyst, `/clues/${first.body.id}/comments`, { body: "Checked the zone map" }],
      [as.coordinator, "/cases", { taskforceId: team.taskforce.id, reference: `VID-IDEM-${Date.now()}`, title: "Retried case" }],
    ];
    for (const [caller, path, body] of creates) {
      const headers = { "Idempotency-Key": crypto.randomUUID() };
      const once = await caller("POST", path, body, headers);
      expect(once.status, path).toBe(201);
      expect(await caller("POST", path, body, headers), path).toEqual(once);
    }
    expect(await prisma.lead.count({ where: { caseId: team.case.id, title: "Brno, Czechia" } })).toBe(1);
    expect(await prisma.task.count({ where: { caseId: team.case.id, title: "Ask the Czech liaison" } })).toBe(1);
    expect(await prisma.comment.count({ where: { itemId: first.body.id } })).toBe(1);
    expect(await prisma.case.count({ where: { title: "Retried case" } })).toBe(1);
  });

  it("keeps keys per caller, and creates again without a key or with a new one", async () => {
    const team = await createTeam();
    const as = await callers(team);
    const key = { "Idempotency-Key": crypto.randomUUID() };
    const mine = await as.analyst("POST", `/cases/${team.case.id}/clues`, clueBody({ value: "Per caller" }), key);
    const theirs = await as.coordinator("POST", `/cases/${team.case.id}/clues`, clueBody({ value: "Per caller" }), key);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    await as.analyst("POST", `/cases/${team.case.id}/clues`, clueBody({ value: "Per caller" }));
    await as.analyst("POST", `/cases/${team.case.id}/clues`, clueBody({ value: "Per caller" }), { "Idempotency-Key": crypto.randomUUID() });
    expect(await prisma.clue.count({ where: { caseId: team.case.id, value: "Per caller" } })).toBe(4);
  });

  it("refuses a malformed key, and a key reused for another kind of create, with 422 naming the header", async () => {
    const team = await createTeam();
    const as = await callers(team);
    for (const bad of ["short", "x".repeat(65), "has spaces in it", "semi;colon;key"]) {
      const refused = await as.analyst("POST", `/cases/${team.case.id}/clues`, clueBody(), { "Idempotency-Key": bad });
      expect(refused.status).toBe(422);
      expect(refused.body.error.fields["Idempotency-Key"]).toEqual([expect.stringContaining("Idempotency-Key")]);
    }
    expect(await prisma.clue.count({ where: { caseId: team.case.id } })).toBe(0);
    const key = { "Idempotency-Key": crypto.randomUUID() };
    const clue = await as.analyst("POST", `/cases/${team.case.id}/clues`, clueBody(), key);
    const reused = await as.analyst("POST", `/clues/${clue.body.id}/comments`, { body: "Same key, other action" }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.error.fields["Idempotency-Key"]).toEqual([expect.stringContaining("already used")]);
    expect(await prisma.comment.count({ where: { itemId: clue.body.id } })).toBe(0);
  });
});
