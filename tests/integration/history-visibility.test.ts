// Issue 10, point 2: an item's history (versions, the 'before' side of a change, comments) is shown only to a
// reader who could see the item when that history was written. The probe: a clue (or lead) written under AMBER
// and commented on, then rewritten to a sanitised text, lowered to GREEN and sent to review. The liaison may
// read the reviewed version, and nothing from the AMBER time, over the API, the page and the room replay.
import { describe, expect, it } from "vitest";
import type { Actor } from "~/auth/permissions.server";
import { latestRoomSeq } from "~/models/rooms.server";
import { createTeam } from "../helpers/factories";
import { createAccessToken, createComment, createTask, requestReview, updateClue, updateLead } from "../helpers/edge";
import { sessionCookie } from "../helpers/pages";
import { requestOk, socketTestSuite } from "../helpers/sockets";
import { clueAs, leadAs, type Team } from "../helpers/workspace";

const suite = socketTestSuite();

// Response bodies are whatever the server sent; the assertions say what they must (not) contain.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function apiGet(actor: Actor, path: string): Promise<{ status: number; body: Json; text: string }> {
  const { token } = await createAccessToken(actor, { name: "history test", days: 1 });
  const response = await fetch(`${suite.url}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text };
}

async function pageGet(actor: Actor, path: string): Promise<{ status: number; html: string }> {
  const response = await fetch(`${suite.url}${path}`, { headers: { Cookie: await sessionCookie(actor.id) }, redirect: "manual" });
  return { status: response.status, html: await response.text() };
}

/** What a reader's room:join replays after `afterSeq`, as the JSON the client received. */
async function replayText(actor: Actor, team: Team, afterSeq: number): Promise<{ text: string; events: Json[] }> {
  const socket = await suite.connect(actor);
  const joined = await requestOk(socket, "room:join", { taskforceId: team.taskforce.id, lastEventId: afterSeq });
  return { text: JSON.stringify(joined.events), events: joined.events };
}

// What was written under AMBER: none of it may reach a liaison.
const AMBER_VALUE = "Uniform badge reads Sankt Annen Gymnasium Rostock";
const AMBER_DETAIL = "Badge fully legible at 01:12";
const AMBER_COMMENT = "The Rostock school confirmed the badge design";
// What went to review.
const GREEN_VALUE = "School uniform badge visible";
const GREEN_DETAIL = "Badge partly legible";
const REVIEW_COMMENT = "Sanitised wording, ready for review";

function expectNothingFromAmber(text: string) {
  for (const secret of [AMBER_VALUE, AMBER_DETAIL, AMBER_COMMENT, "Rostock"]) expect(text).not.toContain(secret);
}

describe("a clue rewritten, lowered from AMBER to GREEN and sent to review", () => {
  async function probe() {
    const team = await createTeam();
    const start = await latestRoomSeq(team.taskforce.id);
    const clue = await clueAs(team.analyst, team.case.id, { handlingCode: "AMBER", value: AMBER_VALUE, detail: AMBER_DETAIL });
    await createComment(team.analyst, { itemType: "CLUE", itemId: clue.id, body: AMBER_COMMENT });
    await updateClue(team.analyst, clue.id, { version: 1, value: GREEN_VALUE, detail: GREEN_DETAIL, handlingCode: "GREEN" });
    await requestReview(team.analyst, "CLUE", clue.id);
    await createComment(team.analyst, { itemType: "CLUE", itemId: clue.id, body: REVIEW_COMMENT });
    return { team, clue, start };
  }

  it("shows the liaison over the API only the reviewed version, with the AMBER side of its change withheld", async () => {
    const { team, clue } = await probe();
    const response = await apiGet(team.liaison, `/clues/${clue.id}`);
    expect(response.status).toBe(200);
    expect(response.body.value).toBe(GREEN_VALUE);
    expectNothingFromAmber(response.text);
    expect(response.body.versions.map((version: Json) => version.version)).toEqual([2]);
    expect(response.body.versions[0].changes.value.to).toBe(GREEN_VALUE);
    expect(response.body.versions[0].changes.handlingCode.to).toBe("GREEN");
  });

  it("lists the liaison over the API only the comments written while the clue was in review", async () => {
    const { team, clue } = await probe();
    const response = await apiGet(team.liaison, `/clues/${clue.id}/comments`);
    expect(response.status).toBe(200);
    expectNothingFromAmber(response.text);
    expect(response.body.map((comment: Json) => comment.body)).toEqual([REVIEW_COMMENT]);
  });

  it("renders the liaison's clue page without the AMBER version or comment", async () => {
    const { team, clue } = await probe();
    const page = await pageGet(team.liaison, `/clues/${clue.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(GREEN_VALUE);
    expect(page.html).toContain(REVIEW_COMMENT);
    expectNothingFromAmber(page.html);
  });

  it("replays the liaison only events from the time the clue was in review", async () => {
    const { team, clue, start } = await probe();
    const replay = await replayText(team.liaison, team, start);
    expectNothingFromAmber(replay.text);
    expect(replay.events.some((event: Json) => event.itemId === clue.id && event.payload.reviewState === "REQUESTED")).toBe(true);
    expect(replay.events.filter((event: Json) => event.type === "comment.created").map((event: Json) => event.payload.body)).toEqual([REVIEW_COMMENT]);
  });

  it("still shows the taskforce the whole history: they could see the clue under AMBER", async () => {
    const { team, clue } = await probe();
    const response = await apiGet(team.coordinator, `/clues/${clue.id}`);
    expect(response.body.versions.map((version: Json) => version.version)).toEqual([2, 1]);
    expect(response.body.versions[0].changes.value).toEqual({ from: AMBER_VALUE, to: GREEN_VALUE });
    const comments = await apiGet(team.coordinator, `/clues/${clue.id}/comments`);
    expect(comments.body.map((comment: Json) => comment.body)).toEqual([AMBER_COMMENT, REVIEW_COMMENT]);
  });
});

describe("a lead rewritten, lowered from AMBER to GREEN and sent to review", () => {
  async function probe() {
    const team = await createTeam();
    const start = await latestRoomSeq(team.taskforce.id);
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "AMBER", title: "Victim attends a school in Rostock", hypothesis: AMBER_VALUE });
    await createComment(team.analyst, { itemType: "LEAD", itemId: lead.id, body: AMBER_COMMENT });
    await updateLead(team.analyst, lead.id, { version: lead.version, title: "Victim's school is identifiable", hypothesis: GREEN_VALUE, handlingCode: "GREEN" });
    await requestReview(team.analyst, "LEAD", lead.id);
    await createComment(team.analyst, { itemType: "LEAD", itemId: lead.id, body: REVIEW_COMMENT });
    return { team, lead, start };
  }

  it("shows the liaison over the API the reviewed lead and only the comments written while it was in review", async () => {
    const { team, lead } = await probe();
    const response = await apiGet(team.liaison, `/leads/${lead.id}`);
    expect(response.status).toBe(200);
    expect(response.body.hypothesis).toBe(GREEN_VALUE);
    expectNothingFromAmber(response.text);
    const comments = await apiGet(team.liaison, `/leads/${lead.id}/comments`);
    expectNothingFromAmber(comments.text);
    expect(comments.body.map((comment: Json) => comment.body)).toEqual([REVIEW_COMMENT]);
  });

  it("renders the liaison's lead page without the AMBER comment", async () => {
    const { team, lead } = await probe();
    const page = await pageGet(team.liaison, `/leads/${lead.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(GREEN_VALUE);
    expect(page.html).toContain(REVIEW_COMMENT);
    expectNothingFromAmber(page.html);
  });

  it("replays the liaison only events from the time the lead was in review", async () => {
    const { team, lead, start } = await probe();
    const replay = await replayText(team.liaison, team, start);
    expectNothingFromAmber(replay.text);
    expect(replay.events.some((event: Json) => event.itemId === lead.id && event.payload.reviewState === "REQUESTED")).toBe(true);
    expect(replay.events.filter((event: Json) => event.type === "comment.created").map((event: Json) => event.payload.body)).toEqual([REVIEW_COMMENT]);
  });

  it("still lists the taskforce every comment", async () => {
    const { team, lead } = await probe();
    const comments = await apiGet(team.coordinator, `/leads/${lead.id}/comments`);
    expect(comments.body.map((comment: Json) => comment.body)).toEqual([AMBER_COMMENT, REVIEW_COMMENT]);
  });
});

describe("history under a stricter code than the item's now, for the taskforce", () => {
  it("keeps a comment written while a clue was RED from members who were not named on it", async () => {
    const team = await createTeam();
    const clue = await clueAs(team.analyst, team.case.id, { handlingCode: "RED", recipientIds: [team.coordinator.id], value: "Neutral wording" });
    await createComment(team.coordinator, { itemType: "CLUE", itemId: clue.id, body: "Named in the chat log: Rostock" });
    await updateClue(team.analyst, clue.id, { version: 1, handlingCode: "AMBER", recipientIds: [] });
    const seenByOtherAgency = await apiGet(team.analystOtherAgency, `/clues/${clue.id}/comments`);
    expect(seenByOtherAgency.status).toBe(200);
    expect(seenByOtherAgency.body).toEqual([]);
    const seenByNamed = await apiGet(team.coordinator, `/clues/${clue.id}/comments`);
    expect(seenByNamed.body.map((comment: Json) => comment.body)).toEqual(["Named in the chat log: Rostock"]);
  });

  it("keeps a comment on a task written while its lead was AMBER+STRICT from another agency once the lead is AMBER", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "AMBER_STRICT" });
    const task = await createTask(team.coordinator, team.case.id, { title: "Call the school", assigneeId: team.analyst.id, leadId: lead.id });
    await createComment(team.analyst, { itemType: "TASK", itemId: task.id, body: "Agency A only: Rostock" });
    await updateLead(team.analyst, lead.id, { version: lead.version, handlingCode: "AMBER" });
    const seen = await apiGet(team.analystOtherAgency, `/tasks/${task.id}/comments`);
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual([]);
    const own = await apiGet(team.coordinator, `/tasks/${task.id}/comments`);
    expect(own.body.map((comment: Json) => comment.body)).toEqual(["Agency A only: Rostock"]);
  });
});
