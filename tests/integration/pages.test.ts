// The case-workspace pages over HTTP: what another taskforce owns is "not found" (never "forbidden"), and a
// refused form comes back as 422 with every field the user typed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageRequests, sessionCookie } from "../helpers/pages";
import { startTestServer, type TestServer } from "../helpers/server";
import { clueAs, clueWithCode, leadAs, type Team } from "../helpers/workspace";
import { createTeam } from "../helpers/factories";
import { createTask, requestReview, updateCase, updateClue, updateLead } from "../helpers/edge";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const { get, post } = pageRequests(() => server.url);

describe("pages for another taskforce's items", () => {
  let mine: Team;
  let theirs: Team;
  let cookie: string;
  let theirClueId: string;
  let theirLeadId: string;

  beforeAll(async () => {
    [mine, theirs] = await Promise.all([createTeam(), createTeam()]);
    cookie = await sessionCookie(mine.analyst.id);
    const clue = await clueAs(theirs.analyst, theirs.case.id);
    const lead = await leadAs(theirs.analyst, theirs.case.id, { clueIds: [clue.id] });
    theirClueId = clue.id;
    theirLeadId = lead.id;
  });

  it.each([
    ["case", () => `/cases/${theirs.case.id}`],
    ["add-clue form", () => `/cases/${theirs.case.id}/clues/new`],
    ["build-a-lead form", () => `/cases/${theirs.case.id}/leads/new`],
    ["clue", () => `/clues/${theirClueId}`],
    ["lead", () => `/leads/${theirLeadId}`],
    ["edit-case form", () => `/cases/${theirs.case.id}/edit`],
  ])("answers 404 Not found (not 403) for their %s page", async (_name, path) => {
    const { status, html } = await get(path(), cookie);
    expect(status).toBe(404);
    expect(html).toContain("Not found");
    expect(html).not.toContain("Power socket type F");
  });

  it("answers the same 404 for an id that does not exist", async () => {
    const { status, html } = await get("/clues/does-not-exist", cookie);
    expect(status).toBe(404);
    expect(html).toContain("Not found");
  });

  it("refuses a comment posted to their lead with 404 and writes nothing", async () => {
    const { status } = await post(`/leads/${theirLeadId}`, cookie, { intent: "comment", body: "Hello" });
    expect(status).toBe(404);
  });

  it("shows the member's own case with its clue grouped under the category", async () => {
    await clueAs(mine.analyst, mine.case.id, { value: "Shampoo label in Polish" });
    const { status, html } = await get(`/cases/${mine.case.id}`, cookie);
    expect(status).toBe(200);
    expect(html).toContain("Architecture / fixture");
    expect(html).toContain("Shampoo label in Polish");
  });
});

describe("a refused add-clue form", () => {
  it("comes back as 422 with the field error and every value the user typed", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.analyst.id);
    const typed = {
      category: "text_language",
      value: "Label <img src=x> on the bottle",
      detail: "Bottom left of frame 12, partly hidden",
      confidence: "HIGH",
      handlingCode: "AMBER_STRICT",
      sourceReliability: "B",
      infoAssessment: "2",
      mediaRefs: "SHA256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      then: "case",
    };
    const { status, html } = await post(`/cases/${team.case.id}/clues/new`, cookie, typed);
    expect(status).toBe(422);
    expect(html).toContain("Cluebridge is text-only");
    expect(html).toMatch(/<input[^>]*aria-invalid="true"[^>]*name="value"|<input[^>]*name="value"[^>]*aria-invalid="true"/);
    expect(html).toContain('value="Label &lt;img src=x&gt; on the bottle"');
    expect(html).toContain("Bottom left of frame 12, partly hidden");
    expect(html).toContain(typed.mediaRefs);
    for (const [name, value] of [["category", "text_language"], ["confidence", "HIGH"], ["handlingCode", "AMBER_STRICT"], ["sourceReliability", "B"], ["infoAssessment", "2"]]) {
      expect(html, name).toMatch(new RegExp(`<option value="${value}" selected=""`));
    }
  });

  it("names the line of a malformed media reference and keeps the rest", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.analyst.id);
    const { status, html } = await post(`/cases/${team.case.id}/clues/new`, cookie, {
      category: "object_product",
      value: "Toothpaste tube, brand Y",
      mediaRefs: "SHA256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\nSHA256:abc",
    });
    expect(status).toBe(422);
    expect(html).toContain("Line 2: A SHA256 id is 64 hex digits.");
    expect(html).toContain('value="Toothpaste tube, brand Y"');
  });

  it("adds a valid clue and shows it on the case page", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.analyst.id);
    const { status, location } = await post(`/cases/${team.case.id}/clues/new`, cookie, { category: "clothing", value: "Football shirt, club Z, 2018 season", then: "case" });
    expect(status).toBe(302);
    expect(location).toMatch(new RegExp(`^/cases/${team.case.id}\\?added=`));
    const page = await get(`/cases/${team.case.id}`, cookie);
    expect(page.html).toContain("Football shirt, club Z, 2018 season");
  });
});

describe("a refused lead status change", () => {
  it("keeps the version it was made against, though the page's data was reloaded with a newer one", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.analyst.id);
    const lead = await leadAs(team.analyst, team.case.id);
    await updateLead(team.analyst, lead.id, { version: 1, hypothesis: "Changed in another tab" });
    const refused = await post(`/leads/${lead.id}`, cookie, { intent: "status", version: "1", status: "DISMISSED", statusReason: "" });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('name="version" value="1"');
  });
});

describe("a stale clue edit", () => {
  it("is refused with 409, the newer version beside the user's edit, and a form that re-applies it", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.analyst.id);
    const clue = await clueAs(team.analyst, team.case.id, { value: "Window handle, tilt and turn" });
    // A colleague saves first.
    await updateClue(team.coordinator, clue.id, { version: clue.version, value: "Window handle, tilt-and-turn, white" });
    const { status, html } = await post(`/clues/${clue.id}`, cookie, {
      intent: "edit",
      version: String(clue.version),
      category: "architecture_fixture",
      value: "Window handle, tilt and turn, brass",
      detail: "Schuko socket, white",
      confidence: "MEDIUM",
      handlingCode: "AMBER",
      sourceReliability: "X",
      infoAssessment: "4",
      mediaRefs: "",
    });
    expect(status).toBe(409);
    expect(html).toContain("Someone else changed this clue since you opened it");
    expect(html).toContain("Window handle, tilt-and-turn, white");
    expect(html).toContain('value="Window handle, tilt and turn, brass"');
    expect(html).toContain(`name="version" value="${clue.version + 1}"`);

    const again = await post(`/clues/${clue.id}`, cookie, {
      intent: "edit",
      version: String(clue.version + 1),
      category: "architecture_fixture",
      value: "Window handle, tilt and turn, brass",
    });
    expect(again.status).toBe(302);
    const page = await get(`/clues/${clue.id}`, cookie);
    expect(page.html).toContain("Window handle, tilt and turn, brass");
    expect(page.html).toContain("Version 3");
  });
});

describe("a lead citing a clue the reader may not see", () => {
  it("says how many cited clues are hidden, never what they are", async () => {
    const team = await createTeam();
    // A RED clue only its author sees, cited by a RED lead that also names the coordinator.
    const red = await clueWithCode(team.analyst, team.case.id, "RED", { value: "Author only: plate fragment" });
    const open = await clueAs(team.analyst, team.case.id, { value: "Open clue: radiator" });
    const lead = await leadAs(team.analyst, team.case.id, { clueIds: [red.id, open.id], handlingCode: "RED", recipientIds: [team.coordinator.id] });
    const { status, html } = await get(`/leads/${lead.id}`, await sessionCookie(team.coordinator.id));
    expect(status).toBe(200);
    expect(html).toContain("1 cited clue is not visible to you");
    expect(html).toContain("Open clue: radiator");
    expect(html).not.toContain("plate fragment");
  });
});

describe("role home pages", () => {
  it("lists the analyst's own tasks and asks for a reason before marking one blocked", async () => {
    const team = await createTeam();
    const task = await createTask(team.coordinator, team.case.id, { title: "Check socket retailers", assigneeId: team.analyst.id, dueDate: "2020-01-01" });
    const cookie = await sessionCookie(team.analyst.id);
    const home = await get("/home", cookie);
    expect(home.html).toContain("<h1>My tasks</h1>");
    expect(home.html).toContain("Check socket retailers");
    expect(home.html).toContain("Overdue");

    const blocked = await post("/home", cookie, { intent: "status", taskId: task.id, version: String(task.version), status: "BLOCKED", blockedReason: "" });
    expect(blocked.status).toBe(422);
    expect(blocked.html).toContain("Say what the task is blocked on.");

    const doing = await post("/home", cookie, { intent: "status", taskId: task.id, version: String(task.version), status: "DOING" });
    expect(doing.status).toBe(302);
    expect((await get(`/tasks/${task.id}`, cookie)).html).toContain("Doing");
  });

  it("lets a coordinator assign a task from the board, keeping the input when a field is missing", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.coordinator.id);
    const board = await get("/board", cookie);
    expect(board.html).toContain("<h1>Task board</h1>");

    const missing = await post("/board", cookie, { intent: "assign", caseId: team.case.id, assigneeId: team.analyst.id, title: "", description: "Look at frame 12" });
    expect(missing.status).toBe(422);
    expect(missing.html).toContain("Title is required.");
    expect(missing.html).toContain("Look at frame 12");

    const assigned = await post("/board", cookie, { intent: "assign", caseId: team.case.id, assigneeId: team.analyst.id, title: "Identify the wallpaper" });
    expect(assigned.status).toBe(302);
    expect((await get("/board", cookie)).html).toContain("Identify the wallpaper");
  });

  it("gives the analyst's board a 403, not the board", async () => {
    const team = await createTeam();
    const { status } = await get("/board", await sessionCookie(team.analyst.id));
    expect(status).toBe(403);
  });

  it("lets a liaison reject only with a note, then approve", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "GREEN", { value: "Public landmark: church tower" });
    await requestReview(team.analyst, "CLUE", clue.id);
    const cookie = await sessionCookie(team.liaison.id);
    const queue = await get("/reviews", cookie);
    expect(queue.html).toContain("<h1>Review queue</h1>");
    expect(queue.html).toContain("Public landmark: church tower");

    const noNote = await post("/reviews", cookie, { itemType: "CLUE", itemId: clue.id, decision: "REJECTED", note: "" });
    expect(noNote.status).toBe(422);
    expect(noNote.html).toContain("Say why the item is rejected.");

    const approved = await post("/reviews", cookie, { itemType: "CLUE", itemId: clue.id, decision: "APPROVED", note: "Fine to share" });
    expect(approved.status).toBe(302);
    expect((await get("/reviews", cookie)).html).toContain("Nothing you can see is waiting for review.");
  });
});

describe("search page", () => {
  it("finds visible clues by the start of a word and explains a bad filter", async () => {
    const team = await createTeam();
    await clueAs(team.analyst, team.case.id, { value: "Electrical socket type F" });
    const cookie = await sessionCookie(team.analyst.id);
    const found = await get("/search?q=sock", cookie);
    expect(found.status).toBe(200);
    expect(found.html).toContain("Electrical socket type F");
    expect(found.html).toContain("Best of all 1 match.");

    const bad = await get("/search?q=&from=yesterday", cookie);
    expect(bad.html).toContain("Enter a date as YYYY-MM-DD.");
  });
});

describe("case pages", () => {
  it("lets a coordinator open a case and refuses a duplicate reference, keeping the input", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.coordinator.id);
    const fields = { taskforceId: team.taskforce.id, reference: `VID-PAGES-${Date.now()}`, title: "Bedroom series", summary: "Referral from platform P" };
    const created = await post("/cases/new", cookie, fields);
    expect(created.status).toBe(302);
    expect((await get(created.location!, cookie)).html).toContain("Bedroom series");

    const duplicate = await post("/cases/new", cookie, { ...fields, title: "Second try" });
    expect(duplicate.status).toBe(422);
    expect(duplicate.html).toContain("A case with this reference already exists.");
    expect(duplicate.html).toContain('value="Second try"');
    expect(duplicate.html).toContain("Referral from platform P");
  });

  it("pages a large category by cursor: 50 at a time, then the rest", async () => {
    const team = await createTeam();
    for (let i = 0; i < 55; i += 5) {
      await Promise.all([0, 1, 2, 3, 4].map((j) => clueAs(team.analyst, team.case.id, { category: "object_product", value: `Product ${String(i + j).padStart(2, "0")}` })));
    }
    const cookie = await sessionCookie(team.analyst.id);
    const overview = await get(`/cases/${team.case.id}`, cookie);
    expect(overview.html).toContain("Show all 55 clues in Object / product");
    expect(overview.html.match(/href="\/clues\//g)).toHaveLength(5);

    const first = await get(`/cases/${team.case.id}?category=object_product`, cookie);
    expect(first.html.match(/href="\/clues\//g)).toHaveLength(50);
    expect(first.html).toContain("Product 54");
    const next = /href="([^"]*cursor=[^"]*)"/.exec(first.html)?.[1].replaceAll("&amp;", "&");
    expect(next).toBeDefined();
    const second = await get(next!, cookie);
    expect(second.html.match(/href="\/clues\//g)).toHaveLength(5);
    expect(second.html).toContain("Product 00");
    expect(second.html).not.toContain("Product 54");
  }, 90_000);
});

describe("editing a case", () => {
  it("lets a coordinator move a case through its statuses, carrying the version it edits", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.coordinator.id);
    const form = await get(`/cases/${team.case.id}/edit`, cookie);
    expect(form.status).toBe(200);
    expect(form.html).toContain('name="version" value="1"');
    const fields = { version: "1", title: "Test series", summary: "Bathroom series", originKind: "OTHER", originText: "", status: "VICTIM_IDENTIFIED", defaultHandlingCode: "AMBER" };
    const saved = await post(`/cases/${team.case.id}/edit`, cookie, fields);
    expect(saved.status).toBe(302);
    expect(saved.location).toBe(`/cases/${team.case.id}`);
    expect((await get(`/cases/${team.case.id}`, cookie)).html).toContain("Victim identified");

    // The same form sent again edits version 1, which is no longer current: refused, nothing overwritten.
    const stale = await post(`/cases/${team.case.id}/edit`, cookie, { ...fields, status: "CLOSED" });
    expect(stale.status).toBe(409);
    expect(stale.html).toContain("Load the newer version");
    expect((await get(`/cases/${team.case.id}`, cookie)).html).toContain("Victim identified");
  });

  it("refuses an embedded image in the title and keeps every typed value", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.coordinator.id);
    const refused = await post(`/cases/${team.case.id}/edit`, cookie, { version: "1", title: "Series <img src=x>", summary: "Seen: shampoo, Polish label", originKind: "OTHER", originText: "CyberTipline 12345", status: "DORMANT", defaultHandlingCode: "AMBER" });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain("Seen: shampoo, Polish label");
    expect(refused.html).toContain("CyberTipline 12345");
    expect(refused.html).toContain("text-only");
  });

  it("keeps the version it edits through a refused submit, so a newer save in another tab still conflicts", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.coordinator.id);
    const fields = { version: "1", title: "Test series", summary: "My edit from the first tab", originKind: "OTHER", originText: "", status: "DORMANT", defaultHandlingCode: "AMBER" };
    // Another tab saves version 2 while this one is still on version 1.
    await updateCase(team.coordinator, team.case.id, { ...fields, summary: "Saved from the second tab" });
    const refused = await post(`/cases/${team.case.id}/edit`, cookie, { ...fields, title: "Series <img src=x>" });
    expect(refused.status).toBe(422);
    // The page's data was reloaded (version 2), but the form still carries the version the typed edit was based on.
    expect(refused.html).toContain('name="version" value="1"');
    const resent = await post(`/cases/${team.case.id}/edit`, cookie, fields);
    expect(resent.status).toBe(409);
    expect((await get(`/cases/${team.case.id}`, cookie)).html).toContain("Saved from the second tab");
  });

  it("shows no edit form to an analyst of the taskforce", async () => {
    const team = await createTeam();
    const { status } = await get(`/cases/${team.case.id}/edit`, await sessionCookie(team.analyst.id));
    expect(status).toBe(403);
  });
});
