// Where was this made? (issue 14) Facets on clues over the API (stored, read back, refused by name), the
// narrowing of a case and of a lead over HTTP, permissions (a clue the viewer may not see changes nothing they
// see), coordinator tasks from the top candidates, and admins' corrections of the reference data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { flushAuditRecords } from "~/models/audit.server";
import { apiCallerFor, type ApiCaller } from "../helpers/api";
import { createTeam } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";
import { clueAs, leadAs } from "../helpers/workspace";
import { listClues, requestReview, updateClue } from "../helpers/edge";
import { pageRequests, sessionCookie } from "../helpers/pages";
import { getClue } from "~/models/clues.server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const caller = (actor: Actor): Promise<ApiCaller> => apiCallerFor(server.url, actor);

const facetClue = (facets: unknown, overrides: Record<string, unknown> = {}) => ({
  category: "architecture_fixture",
  value: "Observation",
  confidence: "HIGH",
  evaluation: { sourceReliability: "B", infoAssessment: 2 },
  facets,
  ...overrides,
});

describe("facets on clues", () => {
  it("stores typed facets, normalised, and returns them on create, read, list and update", async () => {
    const team = await createTeam();
    const as = await caller(team.analyst);
    const created = await as("POST", `/cases/${team.case.id}/clues`, facetClue([
      { type: "plugType", value: "type f" },
      { type: "language", value: "PL" },
      { type: "productSoldIn", value: ["cz", "PL"] },
      { type: "callingCode", value: "0048 22" },
    ]));
    expect(created.status).toBe(201);
    expect(created.body.facets).toEqual([
      { type: "plugType", value: "F" },
      { type: "language", value: "pl" },
      { type: "productSoldIn", value: ["CZ", "PL"] },
      { type: "callingCode", value: "+4822" },
    ]);
    const read = await as("GET", `/clues/${created.body.id}`);
    expect(read.body.facets).toEqual(created.body.facets);
    const listed = await listClues(team.analyst, team.case.id);
    expect(JSON.parse(JSON.stringify(listed.items[0].facets))).toEqual(created.body.facets);

    const updated = await as("PATCH", `/clues/${created.body.id}`, { version: 1, facets: [{ type: "drivingSide", value: "L" }] });
    expect(updated.status).toBe(200);
    expect(updated.body.facets).toEqual([{ type: "drivingSide", value: "left" }]);
    const detail = await getClue(team.analyst, created.body.id);
    expect(detail.versions[0].changes.facets).toEqual({ from: ["callingCode: +4822", "language: pl", "plugType: F", "productSoldIn: CZ,PL"], to: ["drivingSide: left"] });
  });

  it("refuses an unknown facet type or value with 422 naming the field, and stores nothing", async () => {
    const team = await createTeam();
    const as = await caller(team.analyst);
    const badType = await as("POST", `/cases/${team.case.id}/clues`, facetClue([{ type: "plugType", value: "F" }, { type: "wallpaper", value: "floral" }]));
    expect(badType.status).toBe(422);
    expect(Object.keys(badType.body.error.fields)).toEqual(["facets.1.type"]);
    expect(badType.body.error.fields["facets.1.type"][0]).toMatch(/Choose a facet type/);
    const badValue = await as("POST", `/cases/${team.case.id}/clues`, facetClue([{ type: "plugType", value: "Z" }]));
    expect(badValue.status).toBe(422);
    expect(badValue.body.error.fields["facets.0.value"][0]).toMatch(/IEC letter from A to O/);
    const badCountry = await as("POST", `/cases/${team.case.id}/clues`, facetClue([{ type: "productSoldIn", value: ["PL", "XX"] }]));
    expect(badCountry.body.error.fields["facets.0.value"][0]).toMatch(/XX/);
    const badLanguage = await as("POST", `/cases/${team.case.id}/clues`, facetClue([{ type: "language", value: "klingon" }]));
    expect(badLanguage.body.error.fields["facets.0.value"][0]).toMatch(/ISO 639/);
    expect(await prisma.clue.count({ where: { caseId: team.case.id } })).toBe(0);
  });
});

describe("the narrowing over the API", () => {
  it("puts Poland first for type F + 230 V / 50 Hz + Polish, with each exclusion explained", async () => {
    const team = await createTeam();
    const socket = await clueAs(team.analyst, team.case.id, facetClue("plugType: F"));
    const mains = await clueAs(team.analyst, team.case.id, facetClue("mainsVoltage: 230\nmainsFrequency: 50"));
    const label = await clueAs(team.analyst, team.case.id, facetClue("language: pl", { category: "text_language" }));
    const response = await (await caller(team.coordinator))("GET", `/cases/${team.case.id}/narrowing`);
    expect(response.status).toBe(200);
    const { data } = response.body;
    expect(Object.keys(data).sort()).toEqual(["candidates", "contradictions", "excluded", "hiddenCluesIgnored", "usedClues"]);
    expect(data.candidates[0]).toEqual({ country: "PL", score: expect.any(Number), supportedBy: [mains.id, label.id], weakenedBy: [socket.id] });
    expect(Object.keys(data.candidates[0]).sort()).toEqual(["country", "score", "supportedBy", "weakenedBy"]);
    const germany = data.excluded.find((entry: { country: string }) => entry.country === "DE");
    expect(germany.excludedBy).toEqual([{ clueId: label.id, reason: expect.stringMatching(/Polish language \(pl\), but Germany's official languages: German/) }]);
    expect(data.usedClues).toEqual([socket.id, mains.id, label.id]);
    expect(data.hiddenCluesIgnored).toBe(true);
    expect(data.contradictions).toEqual([]);
    // Read records are queued and written within a second (decision 018): write them now.
    await flushAuditRecords();
    const audit = await prisma.auditEvent.findFirst({ where: { action: "case.narrowing", itemId: team.case.id } });
    expect(audit?.actorId).toBe(team.coordinator.id);
  });

  it("flags a type G socket with right-hand traffic when the rest points to left-hand countries", async () => {
    const team = await createTeam();
    const socket = await clueAs(team.analyst, team.case.id, facetClue("plugType: G"));
    const road = await clueAs(team.analyst, team.case.id, facetClue("drivingSide: right"));
    await clueAs(team.analyst, team.case.id, facetClue("currency: GBP"));
    const { body } = await (await caller(team.analyst))("GET", `/cases/${team.case.id}/narrowing`);
    expect(body.data.contradictions).toContainEqual({
      clueIds: [socket.id, road.id],
      facets: [{ type: "plugType", value: "G" }, { type: "drivingSide", value: "right" }],
      message: "type G socket but right-hand traffic: check both clues",
    });
  });

  it("is not found for someone outside the taskforce, and for a lead they may not see", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id);
    const outsider = await caller(team.outsider);
    expect((await outsider("GET", `/cases/${team.case.id}/narrowing`)).status).toBe(404);
    expect((await outsider("GET", `/leads/${lead.id}/narrowing`)).status).toBe(404);
    expect((await (await caller(team.liaison))("GET", `/leads/${lead.id}/narrowing`)).status).toBe(404);
  });
});

describe("the narrowing never reveals a clue the viewer may not see", () => {
  it("a RED clue not naming the coordinator changes nothing in the coordinator's narrowing", async () => {
    const team = await createTeam();
    await clueAs(team.analyst, team.case.id, facetClue("plugType: F\nmainsFrequency: 50"));
    const coordinator = await caller(team.coordinator);
    const before = (await coordinator("GET", `/cases/${team.case.id}/narrowing`)).body;
    const hidden = await clueAs(team.analyst, team.case.id, facetClue("drivingSide: left\nlanguage: en", { handlingCode: "RED" }));
    const after = (await coordinator("GET", `/cases/${team.case.id}/narrowing`)).body;
    expect(after).toEqual(before);
    // The author sees it used.
    const own = (await (await caller(team.analyst))("GET", `/cases/${team.case.id}/narrowing`)).body;
    expect(own.data.usedClues).toContain(hidden.id);
    expect(JSON.stringify(after)).not.toContain(hidden.id);
  });

  it("a lead's narrowing uses only the cited clues the viewer may see, and says that others were left out", async () => {
    const team = await createTeam();
    const open = await clueAs(team.analyst, team.case.id, facetClue("plugType: G"));
    const strict = await clueAs(team.analyst, team.case.id, facetClue("drivingSide: right", { handlingCode: "RED" }));
    // A RED lead naming the coordinator, citing a RED clue that does not: they see the lead, not that clue.
    const lead = await leadAs(team.analyst, team.case.id, { clueIds: [open.id, strict.id], handlingCode: "RED", recipientIds: [team.coordinator.id] });
    const other = (await (await caller(team.coordinator))("GET", `/leads/${lead.id}/narrowing`)).body.data;
    expect(other.usedClues).toEqual([open.id]);
    expect(other.hiddenCluesIgnored).toBe(true);
    expect(other.excluded.some((entry: { excludedBy: { clueId: string }[] }) => entry.excludedBy.some((by) => by.clueId === strict.id))).toBe(false);
    expect(other.candidates.map((candidate: { country: string }) => candidate.country)).toContain("GB");
    const author = (await (await caller(team.analyst))("GET", `/leads/${lead.id}/narrowing`)).body.data;
    expect(author.usedClues).toEqual([open.id, strict.id]);
    expect(author.hiddenCluesIgnored).toBe(false);
    expect(author.candidates.map((candidate: { country: string }) => candidate.country)).not.toContain("GB");
  });

  it("an edit that hides a clue's facets from the viewer removes them from the viewer's narrowing", async () => {
    const team = await createTeam();
    const clue = await clueAs(team.analyst, team.case.id, facetClue("plugType: G"));
    const coordinator = await caller(team.coordinator);
    expect((await coordinator("GET", `/cases/${team.case.id}/narrowing`)).body.data.usedClues).toEqual([clue.id]);
    await updateClue(team.analyst, clue.id, { version: 1, handlingCode: "RED" });
    expect((await coordinator("GET", `/cases/${team.case.id}/narrowing`)).body.data).toMatchObject({ usedClues: [], candidates: [], excluded: [] });
  });
});

describe("from narrowing to action", () => {
  it("turns chosen candidates into one task each, with the country's reasons, for a coordinator only", async () => {
    const team = await createTeam();
    await clueAs(team.analyst, team.case.id, facetClue("productSoldIn: PL, CZ"));
    const body = { countries: ["PL", "CZ"], assigneeId: team.analyst.id, subject: "brand Y shampoo" };
    const refused = await (await caller(team.analyst))("POST", `/cases/${team.case.id}/narrowing/tasks`, body);
    expect(refused.status).toBe(403);
    const made = await (await caller(team.coordinator))("POST", `/cases/${team.case.id}/narrowing/tasks`, body);
    expect(made.status).toBe(201);
    expect(made.body.map((task: { title: string }) => task.title)).toEqual([
      "Ask the liaison for Poland (PL) to check brand Y shampoo",
      "Ask the liaison for Czechia (CZ) to check brand Y shampoo",
    ]);
    expect(made.body[0].description).toMatch(/Supported: product sold only in CZ, PL: fits/);
    const invalid = await (await caller(team.coordinator))("POST", `/cases/${team.case.id}/narrowing/tasks`, { ...body, countries: ["QQ"] });
    expect(invalid.status).toBe(422);
    expect(Object.keys(invalid.body.error.fields)).toEqual(["countries.0"]);
  });

  it("writes into a task, which the whole taskforce reads, only the reasons of clues the whole taskforce may read", async () => {
    const team = await createTeam();
    await clueAs(team.analyst, team.case.id, facetClue("productSoldIn: IE, GB"));
    const strict = await clueAs(team.coordinator, team.case.id, facetClue("plugType: G", { handlingCode: "AMBER_STRICT" }));
    const made = await (await caller(team.coordinator))("POST", `/cases/${team.case.id}/narrowing/tasks`, { countries: ["IE"], assigneeId: team.analystOtherAgency.id, subject: "the sockets" });
    expect(made.status).toBe(201);
    const task = await (await caller(team.analystOtherAgency))("GET", `/tasks/${made.body[0].id}`);
    expect(task.status).toBe(200);
    expect(task.body.description).toMatch(/Supported: product sold only in GB, IE: fits/);
    expect(task.body.description).not.toMatch(/type G|plug/i);
    expect(task.body.description).not.toMatch(/Narrowing score/);
    expect((await (await caller(team.analystOtherAgency))("GET", `/clues/${strict.id}`)).status).toBe(404);
  });
});

describe("reference corrections", () => {
  it("lets an admin correct a row: versioned, audited, used by the narrowing, and hidden from everyone else", async () => {
    const team = await createTeam();
    await clueAs(team.analyst, team.case.id, facetClue("plugType: F"));
    const analyst = await caller(team.analyst);
    const admin = await caller(team.admin);
    const excludedBefore = (await analyst("GET", `/cases/${team.case.id}/narrowing`)).body.data.excluded.map((entry: { country: string }) => entry.country);
    expect(excludedBefore).toContain("MT");

    expect((await analyst("POST", "/admin/reference/countries/MT/corrections", { field: "plugTypes", value: ["G", "F"], reason: "test" })).status).toBe(404);
    const first = await admin("POST", "/admin/reference/countries/mt/corrections", { field: "plugTypes", value: ["G", "F"], reason: "Survey 2026: Schuko in new builds" });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ country: "MT", field: "plugTypes", version: 1, value: ["G", "F"] });
    const after = (await analyst("GET", `/cases/${team.case.id}/narrowing`)).body.data;
    expect(after.candidates.map((candidate: { country: string }) => candidate.country)).toContain("MT");

    const second = await admin("POST", "/admin/reference/countries/MT/corrections", { field: "plugTypes", value: null, reason: "Back to IEC World Plugs" });
    expect(second.body.version).toBe(2);
    const row = await admin("GET", "/admin/reference/countries/MT");
    expect(row.body.row.plugTypes).toEqual(["G"]);
    expect(row.body.corrections.map((correction: { version: number }) => correction.version)).toEqual([2, 1]);
    const audit = await prisma.auditEvent.findMany({ where: { action: "reference.correct", itemId: "MT:plugTypes" }, orderBy: { id: "asc" } });
    expect(audit.map((entry) => (entry.details as { version: number }).version)).toEqual([1, 2]);
    expect((await analyst("GET", `/cases/${team.case.id}/narrowing`)).body.data.excluded.map((entry: { country: string }) => entry.country)).toContain("MT");
    const bad = await admin("POST", "/admin/reference/countries/MT/corrections", { field: "flagColour", value: ["red"], reason: "x" });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.fields)).toEqual(["field"]);
    // Values outside the field's vocabulary, media links and markup among them, are refused on "value", and nothing is stored.
    for (const [field, value] of [
      ["climateZones", ["<img src=x.jpg>"]],
      ["climateZones", ["https://i.imgur.com/"]],
      ["plugTypes", ["ffd8ffe0"]],
      ["voltages", ["230V!"]],
      ["drivingSide", ["R"]],
    ] as const) {
      const refused = await admin("POST", "/admin/reference/countries/MT/corrections", { field, value, reason: "probe" });
      expect(refused.status).toBe(422);
      expect(Object.keys(refused.body.error.fields)).toEqual(["value"]);
    }
    expect(await prisma.referenceCorrection.count({ where: { country: "MT", reason: "probe" } })).toBe(0);
  });
});

describe("the pages", () => {
  const pages = pageRequests(() => server.url);
  const get = async (path: string, userId: string) => pages.get(path, await sessionCookie(userId));
  const post = async (path: string, userId: string, fields: Record<string, string | string[]>) => pages.post(path, await sessionCookie(userId), fields);

  it("take facets from the clue form, refuse a bad one by its line, and show the narrowing with its map on the case page", async () => {
    const team = await createTeam();
    const form = { category: "text_language", value: "Label in Polish", confidence: "HIGH", sourceReliability: "B", infoAssessment: "2", then: "case" };
    const refused = await post(`/cases/${team.case.id}/clues/new`, team.analyst.id, { ...form, facets: ["language: pl", "plugType: Q", ""] });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain("Line 2: A plug type is one IEC letter from A to O");
    expect(refused.html).toContain('value="plugType: Q"');
    const saved = await post(`/cases/${team.case.id}/clues/new`, team.analyst.id, { ...form, facets: ["language: pl", "", "mainsFrequency: 50Hz"] });
    expect(saved.status).toBe(302);
    const page = await get(`/cases/${team.case.id}`, team.coordinator.id);
    expect(page.html).toContain("Where was this made?");
    expect(page.html).toMatch(/<svg [^>]*class="world-map"/);
    expect(page.html).toContain('id="country-PL" data-country="PL"');
    expect(page.html).toContain("Ask liaisons to check the top candidates");
    // An analyst sees the narrowing but no task form.
    expect((await get(`/cases/${team.case.id}`, team.analyst.id)).html).not.toContain("Ask liaisons to check");

    const made = await post(`/cases/${team.case.id}?index`, team.coordinator.id, { intent: "country-tasks", countries: ["PL"], subject: "brand X", assigneeId: team.analyst.id });
    expect(made.status).toBe(302);
    expect(made.location).toContain("tasksCreated=1");
    expect(await prisma.task.count({ where: { caseId: team.case.id, title: "Ask the liaison for Poland (PL) to check brand X" } })).toBe(1);
  });

  it("show the liaison which countries a lead in review points to, from the clues in review only", async () => {
    const team = await createTeam();
    const clue = await clueAs(team.analyst, team.case.id, facetClue("productSoldIn: PL", { handlingCode: "GREEN" }));
    const lead = await leadAs(team.analyst, team.case.id, { clueIds: [clue.id], handlingCode: "GREEN" });
    await requestReview(team.analyst, "LEAD", lead.id);
    expect((await get("/reviews", team.liaison.id)).html).not.toContain("Points to");
    await requestReview(team.analyst, "CLUE", clue.id);
    expect((await get("/reviews", team.liaison.id)).html).toContain("Points to Poland (PL)");
    const leadPage = await get(`/leads/${lead.id}`, team.liaison.id);
    expect(leadPage.html).toContain("Where was this made?");
  });

  it("let only an admin correct the reference data on its page", async () => {
    const team = await createTeam();
    const page = await get("/admin/reference?country=MT", team.admin.id);
    expect(page.status).toBe(200);
    expect(page.html).toContain("Malta (MT)");
    expect(page.html).toContain("IEC World Plugs");
    expect((await get("/admin/reference?country=MT", team.analyst.id)).status).toBe(404);
    // Anyone else's post is not found before its input is read, valid or not, on every administration page.
    for (const path of ["/admin/reference", "/admin/correlation", "/admin/recipients", "/admin/taskforces", "/admin"]) {
      expect((await post(path, team.coordinator.id, { country: "MT", field: "nonsense", intent: "nonsense" })).status, path).toBe(404);
      const json = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { Cookie: await sessionCookie(team.coordinator.id), Origin: server.url, "Content-Type": "application/json" },
        body: "{}",
        redirect: "manual",
      });
      expect(json.status, `${path} as JSON`).toBe(404);
    }
    const saved = await post("/admin/reference", team.admin.id, { country: "MT", field: "emergencyNumbers", value: "112, 999", reason: "Checked with the liaison" });
    expect(saved.status).toBe(302);
    expect(await prisma.referenceCorrection.count({ where: { country: "MT", field: "emergencyNumbers" } })).toBeGreaterThan(0);
  });
});
