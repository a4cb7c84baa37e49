// Correlation across cases and de-confliction without disclosure (issue 13): links found on create and edit and
// removed on delete, the over-correlation guard, need-to-know, the de-confliction flow between two taskforces,
// and hidden links absent from search, exports, socket events and notifications. Real database, real sockets.
import { afterEach, describe, expect, it } from "vitest";
import type { Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { flushAuditRecords } from "~/models/audit.server";
import { listAuditEvents } from "~/models/audit-log.server";
import { deleteClue } from "~/models/clues.server";
import { excludeValue, getCaseCorrelations, getClueCorrelations, includeValue, listStoppedValues } from "~/models/correlation.server";
import { deconflictionQueue, stepDeconfliction } from "~/models/deconfliction.server";
import { exportCase } from "~/models/exports.server";
import { ROOM_EVENT_NAMES, type CorrelationNotice } from "~/realtime/protocol";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { correlationExclusionSchema } from "~/validation/correlation";
import { apiCallerFor } from "../helpers/api";
import { createActor, createCase, createTaskforce, createTeam } from "../helpers/factories";
import { createClue, createLead, search, updateClue } from "../helpers/edge";
import { recordRoomEvents, socketTestSuite, waitFor, type TestSocket } from "../helpers/sockets";
import { pageRequests, sessionCookie, shownText } from "../helpers/pages";
import { SHA256, uniqueSha256 } from "../helpers/workspace";

const suite = socketTestSuite();
const pages = pageRequests(() => suite.url);

afterEach(() => {
  delete process.env.CORRELATION_COMMON_CASES;
});

/** Two taskforces, each with an analyst, a coordinator and a liaison, and a case each. */
async function twoTaskforces() {
  const [tfA, tfB] = await Promise.all([createTaskforce(), createTaskforce()]);
  const side = async (taskforceId: string, agency: string) => {
    const [analyst, coordinator, liaison] = await Promise.all([
      createActor({ role: "ANALYST", agency, taskforceIds: [taskforceId] }),
      createActor({ role: "COORDINATOR", agency, taskforceIds: [taskforceId] }),
      createActor({ role: "LIAISON", agency: `${agency} liaison`, taskforceIds: [taskforceId] }),
    ]);
    const kase = await createCase(taskforceId, { createdById: coordinator.id });
    return { taskforceId, analyst, coordinator, liaison, case: kase };
  };
  return { a: await side(tfA.id, "Agency A"), b: await side(tfB.id, "Agency B") };
}

const clue = (actor: Actor, caseId: string, overrides: Record<string, unknown> = {}) =>
  createClue(actor, caseId, { category: "object_product", value: `Blue kettle ${uniqueSha256().slice(0, 10)}`, detail: "", ...overrides });
const hashRef = (value = SHA256) => [{ algorithm: "SHA256", value }];

/** Each user's live correlation notices, as they arrive on a socket of theirs (`also`: more to record on it). */
async function noticesHeardBy(users: Actor[], also?: (user: Actor, socket: TestSocket) => void): Promise<Map<string, CorrelationNotice[]>> {
  const heard = new Map<string, CorrelationNotice[]>();
  for (const user of users) {
    const socket = await suite.connect(user);
    const mine: CorrelationNotice[] = [];
    socket.on("correlation:notice", (notice) => mine.push(notice));
    heard.set(user.id, mine);
    also?.(user, socket);
  }
  return heard;
}

/** A and B record the same media hash, and A's liaison asks for contact: the de-confliction waits for B's answer. */
async function requestedDeconfliction() {
  const { a, b } = await twoTaskforces();
  const hash = uniqueSha256();
  const clueA = await clue(a.analyst, a.case.id, { mediaRefs: hashRef(hash) });
  const clueB = await clue(b.analyst, b.case.id, { mediaRefs: hashRef(hash) });
  const [item] = await deconflictionQueue(a.coordinator);
  await stepDeconfliction(a.liaison, item.id, { step: "REQUEST", reason: "" });
  return { a, b, hash, clueA, clueB, item };
}

describe("correlation on save", () => {
  it("links clues of two cases that share a media hash id, on create, both ways", async () => {
    const team = await createTeam();
    const otherCase = await createCase(team.taskforce.id);
    const hash = uniqueSha256();
    const first = await clue(team.analyst, team.case.id, { value: "Poster on wall", mediaRefs: hashRef(hash) });
    const second = await clue(team.analyst, otherCase.id, { value: "Different words entirely", category: "furniture", mediaRefs: hashRef(hash.toUpperCase()) });
    const fromSecond = await getClueCorrelations(team.analyst, second.id);
    expect(fromSecond.visible.map((link) => [link.clueId, link.caseId, link.kind])).toEqual([[first.id, team.case.id, "HASH"]]);
    expect(fromSecond.hidden).toEqual([]);
    expect((await getClueCorrelations(team.analyst, first.id)).visible.map((link) => link.clueId)).toEqual([second.id]);
    // Same case: never a link.
    const sameCase = await clue(team.analyst, team.case.id, { value: "Another poster", mediaRefs: hashRef(hash) });
    expect((await getClueCorrelations(team.analyst, sameCase.id)).visible.map((link) => link.clueId)).toEqual([second.id]);
  });

  it("links the same value after normalisation (case, accents, punctuation, whitespace, look-alike letters), per category", async () => {
    const team = await createTeam();
    const [caseB, caseC] = await Promise.all([createCase(team.taskforce.id), createCase(team.taskforce.id)]);
    const tag = uniqueSha256().slice(0, 8);
    const first = await clue(team.analyst, team.case.id, { value: `Café Łódź sign ${tag}` });
    // Cyrillic "а" and "е", upper case, extra spaces and punctuation: the same value.
    const second = await clue(team.analyst, caseB.id, { value: `  CАFЕ   lodz — SIGN!! ${tag.toUpperCase()}` });
    // The same words in another category: no link.
    const otherCategory = await clue(team.analyst, caseC.id, { value: `Cafe Lodz sign ${tag}`, category: "clothing" });
    const links = await getClueCorrelations(team.analyst, second.id);
    expect(links.visible.map((link) => [link.clueId, link.kind])).toEqual([[first.id, "VALUE"]]);
    expect((await getClueCorrelations(team.analyst, otherCategory.id)).visible).toEqual([]);
  });

  it("links a near value (trigram similarity above the threshold) in the same category, weaker than an exact one", async () => {
    const team = await createTeam();
    const [caseB, caseC] = await Promise.all([createCase(team.taskforce.id), createCase(team.taskforce.id)]);
    const tag = uniqueSha256().slice(0, 10);
    const exact = await clue(team.analyst, team.case.id, { value: `Hotel Sokolniki ${tag} reception`, confidence: "HIGH", evaluation: { sourceReliability: "A", infoAssessment: 1 } });
    const near = await clue(team.analyst, caseB.id, { value: `Hotel Sokolnik ${tag} receptions`, confidence: "HIGH", evaluation: { sourceReliability: "A", infoAssessment: 1 } });
    const third = await clue(team.analyst, caseC.id, { value: `Hotel Sokolniki ${tag} reception`, confidence: "HIGH", evaluation: { sourceReliability: "A", infoAssessment: 1 } });
    const links = await getClueCorrelations(team.analyst, third.id);
    expect(links.visible.map((link) => [link.clueId, link.kind])).toEqual([
      [exact.id, "VALUE"],
      [near.id, "NEAR"],
    ]);
    expect(links.visible[0].score).toBeGreaterThan(links.visible[1].score);
  });

  it("weighs a link by both clues' confidence and 4x4 evaluation, and an edit of them re-weighs it", async () => {
    const team = await createTeam();
    const caseB = await createCase(team.taskforce.id);
    const hash = uniqueSha256();
    const strong = { confidence: "HIGH", evaluation: { sourceReliability: "A", infoAssessment: 1 } };
    const first = await clue(team.analyst, team.case.id, { mediaRefs: hashRef(hash), ...strong });
    const second = await clue(team.analyst, caseB.id, { mediaRefs: hashRef(hash), ...strong });
    expect((await getClueCorrelations(team.analyst, first.id)).visible[0].score).toBe(1);
    await updateClue(team.analyst, second.id, { version: 1, confidence: "LOW", evaluation: { sourceReliability: "X", infoAssessment: 4 } });
    const weaker = (await getClueCorrelations(team.analyst, first.id)).visible[0].score;
    expect(weaker).toBeGreaterThan(0);
    expect(weaker).toBeLessThan(0.5);
  });

  it("finds links on edit and removes those the edit ends; a deleted clue takes its links with it", async () => {
    const team = await createTeam();
    const caseB = await createCase(team.taskforce.id);
    const tag = uniqueSha256().slice(0, 12);
    const first = await clue(team.analyst, team.case.id, { value: `Red bicycle ${tag}` });
    const second = await clue(team.analyst, caseB.id, { value: `Unrelated ${uniqueSha256().slice(0, 12)}` });
    expect((await getClueCorrelations(team.analyst, first.id)).visible).toEqual([]);
    await updateClue(team.analyst, second.id, { version: 1, value: `red  BICYCLE ${tag}` });
    expect((await getClueCorrelations(team.analyst, first.id)).visible.map((link) => link.clueId)).toEqual([second.id]);
    await updateClue(team.analyst, second.id, { version: 2, value: `Green scooter ${uniqueSha256().slice(0, 12)}` });
    expect((await getClueCorrelations(team.analyst, first.id)).visible).toEqual([]);
    await updateClue(team.analyst, second.id, { version: 3, mediaRefs: hashRef(), value: `Red bicycle ${tag}` });
    expect((await getClueCorrelations(team.analyst, first.id)).visible.map((link) => link.clueId)).toEqual([second.id]);
    await deleteClue(team.analyst, second.id);
    expect((await getClueCorrelations(team.analyst, first.id)).visible).toEqual([]);
    expect(await prisma.clueLink.count({ where: { OR: [{ clueId: second.id }, { otherClueId: second.id }] } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { action: "clue.delete", itemId: second.id } })).toBe(1);
  });
});

describe("the over-correlation guard", () => {
  it("marks a value held in more than N cases common: it stops linking and its links go", async () => {
    process.env.CORRELATION_COMMON_CASES = "3";
    const team = await createTeam();
    const cases = [team.case, ...(await Promise.all([1, 2, 3].map(() => createCase(team.taskforce.id))))];
    const value = `White wall ${uniqueSha256().slice(0, 8)}`;
    const clues = [];
    for (const kase of cases.slice(0, 3)) clues.push(await clue(team.analyst, kase.id, { value }));
    expect((await getClueCorrelations(team.analyst, clues[0].id)).visible).toHaveLength(2);
    clues.push(await clue(team.analyst, cases[3].id, { value }));
    for (const each of clues) expect((await getClueCorrelations(team.analyst, each.id)).visible).toEqual([]);
    const stopped = await listStoppedValues(team.admin);
    expect(stopped).toContainEqual(expect.objectContaining({ kind: "VALUE", categoryKey: "object_product", key: value.toLowerCase(), reason: "COMMON", caseCount: 4 }));
    await expect(listStoppedValues(team.analyst)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("keeps at most K links per clue, the strongest", async () => {
    process.env.CORRELATION_MAX_LINKS = "2";
    try {
      const team = await createTeam();
      const hash = uniqueSha256();
      const weak = { confidence: "LOW", evaluation: { sourceReliability: "X", infoAssessment: 4 } };
      const strong = { confidence: "HIGH", evaluation: { sourceReliability: "A", infoAssessment: 1 } };
      const hub = await clue(team.analyst, team.case.id, { mediaRefs: hashRef(hash), ...strong });
      const others = [];
      for (const evaluation of [weak, strong, strong]) others.push(await clue(team.analyst, (await createCase(team.taskforce.id)).id, { mediaRefs: hashRef(hash), ...evaluation }));
      const links = await getClueCorrelations(team.analyst, hub.id);
      expect(links.visible.map((link) => link.clueId).sort()).toEqual([others[1].id, others[2].id].sort());
    } finally {
      delete process.env.CORRELATION_MAX_LINKS;
    }
  });

  it("lets an administrator exclude a value: its links go at once, and the exclusion is audited", async () => {
    const team = await createTeam();
    const caseB = await createCase(team.taskforce.id);
    const value = `Bunk bed ${uniqueSha256().slice(0, 8)}`;
    const first = await clue(team.analyst, team.case.id, { value, category: "furniture" });
    await clue(team.analyst, caseB.id, { value, category: "furniture" });
    expect((await getClueCorrelations(team.analyst, first.id)).visible).toHaveLength(1);
    await expect(excludeValue(team.analyst, { kind: "VALUE", categoryKey: "furniture", value })).rejects.toBeInstanceOf(NotFoundError);
    const result = await excludeValue(team.admin, { kind: "VALUE", categoryKey: "furniture", value: value.toUpperCase() });
    expect(result.linksRemoved).toBe(1);
    expect((await getClueCorrelations(team.analyst, first.id)).visible).toEqual([]);
    expect(await clue(team.analyst, (await createCase(team.taskforce.id)).id, { value, category: "furniture" }).then((c) => getClueCorrelations(team.analyst, c.id))).toEqual({ visible: [], hidden: [] });
    expect(await prisma.auditEvent.count({ where: { action: "correlation.exclude", actorId: team.admin.id } })).toBe(1);
    expect((await listStoppedValues(team.admin)).find((row) => row.key === value.toLowerCase())?.reason).toBe("EXCLUDED");
  });

  it("refuses an exclusion that could never match a clue, with the reason on its field, and writes nothing", async () => {
    const team = await createTeam();
    const refusals: [Record<string, string>, string, RegExp][] = [
      [{ kind: "VALUE", categoryKey: "furniture", value: "Ab!" }, "value", /shorter than 3 characters/],
      [{ kind: "VALUE", categoryKey: "", value: "foo bar" }, "categoryKey", /Choose the category/],
      [{ kind: "HASH", value: "SHA256:" }, "value", /hash id is required/],
      [{ kind: "HASH", value: "SHA256:zz not hex" }, "value", /64 hex digits/],
      [{ kind: "HASH", value: "PNG:89504e47" }, "value", /ALGORITHM:value/],
    ];
    for (const [input, field, message] of refusals) {
      const parsed = correlationExclusionSchema.safeParse(input);
      expect(parsed.success, JSON.stringify(input)).toBe(false);
      expect(parsed.error?.issues.find((issue) => issue.path[0] === field)?.message).toMatch(message);
    }
    expect(correlationExclusionSchema.safeParse({ kind: "HASH", value: `SHA256:${uniqueSha256().toUpperCase()}` }).success).toBe(true);
    // A category is checked where the categories are: an unknown one is refused by the model.
    const unknown = excludeValue(team.admin, { kind: "VALUE", categoryKey: "no_such_category", value: "foo bar" });
    await expect(unknown).rejects.toBeInstanceOf(ValidationError);
    await expect(unknown).rejects.toMatchObject({ fields: { categoryKey: [expect.stringMatching(/no such category/)] } });
    expect(await prisma.auditEvent.count({ where: { action: "correlation.exclude", actorId: team.admin.id } })).toBe(0);
    expect(await prisma.correlationValue.count({ where: { categoryKey: "no_such_category" } })).toBe(0);
    // Nor is a value included that was never excluded (or marked common): nothing would change.
    await expect(includeValue(team.admin, { kind: "VALUE", categoryKey: "furniture", key: "never excluded" })).rejects.toBeInstanceOf(ValidationError);
    expect(await prisma.auditEvent.count({ where: { action: "correlation.include", actorId: team.admin.id } })).toBe(0);
    // The page says why, and announces no success.
    const cookie = await sessionCookie(team.admin.id);
    for (const [form, reason] of [
      [{ intent: "exclude", kind: "VALUE", categoryKey: "", value: "foo bar" }, "Choose the category the value is excluded in."],
      [{ intent: "include", kind: "VALUE", categoryKey: "furniture", key: "never excluded" }, "This value is neither excluded nor common"],
    ] as const) {
      const response = await pages.post("/admin/correlation", cookie, form);
      expect(response.status).toBe(422);
      const shown = shownText(response.html);
      expect(shown).toContain(reason);
      for (const success of ["Excluded;", "The value links again"]) expect(shown).not.toContain(success);
    }
  });
});

describe("need-to-know and de-confliction between two taskforces", () => {
  it("shows a member of taskforce A only that a match exists, its kind and whom to ask", async () => {
    const { a, b } = await twoTaskforces();
    const hash = uniqueSha256();
    const secret = `Secret value ${uniqueSha256().slice(0, 8)}`;
    const clueB = await clue(b.analyst, b.case.id, { value: secret, mediaRefs: hashRef(hash) });
    const clueA = await clue(a.analyst, a.case.id, { value: `Kettle ${uniqueSha256().slice(0, 10)}`, mediaRefs: hashRef(hash) });
    const seenByA = await getClueCorrelations(a.analyst, clueA.id);
    expect(seenByA.visible).toEqual([]);
    expect(seenByA.hidden).toEqual([{ kind: "HASH", deconflictionId: expect.any(String), contact: { displayName: b.liaison.displayName, email: b.liaison.email, agency: b.liaison.agency } }]);
    // The API says exactly { kind, deconflictionId }, and nothing of B's clue, case, value or reference.
    const api = await apiCallerFor(suite.url, a.analyst);
    const response = await api("GET", `/clues/${clueA.id}/correlations`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { visible: [], hidden: [{ kind: "HASH", deconflictionId: seenByA.hidden[0].deconflictionId }] } });
    const caseView = await api("GET", `/cases/${a.case.id}/correlations`);
    expect(caseView.body).toEqual({ data: { visible: [], hidden: [{ kind: "HASH", deconflictionId: seenByA.hidden[0].deconflictionId }] } });
    for (const text of [response.text, caseView.text]) for (const leak of [clueB.id, b.case.id, b.case.reference, secret, b.taskforceId]) expect(text).not.toContain(leak);
    // B's clue itself stays not found to A; A cannot read B's links either.
    expect((await api("GET", `/clues/${clueB.id}/correlations`)).status).toBe(404);
    // One entry per kind, however many matches: a second hidden hash match adds nothing.
    await clue(b.analyst, (await createCase(b.taskforceId)).id, { mediaRefs: hashRef(hash) });
    expect((await getClueCorrelations(a.analyst, clueA.id)).hidden).toHaveLength(1);
  });

  it("says a match is in a clue, not a case, the reader cannot see when it is their own taskforce's restricted clue", async () => {
    const team = await createTeam();
    const caseB = await createCase(team.taskforce.id);
    const hash = uniqueSha256();
    const mine = await clue(team.analyst, team.case.id, { mediaRefs: hashRef(hash) });
    await clue(team.analystOtherAgency, caseB.id, { mediaRefs: hashRef(hash), handlingCode: "RED" });
    expect((await getClueCorrelations(team.analyst, mine.id)).hidden).toEqual([expect.objectContaining({ kind: "HASH", deconflictionId: null })]);
    const shown = shownText((await pages.get(`/clues/${mine.id}`, await sessionCookie(team.analyst.id))).html);
    expect(shown).toContain("A match exists in a clue you cannot see (same media hash)");
    expect(shown).not.toContain("in a case you cannot see");
  });

  it("runs the de-confliction flow: request, accept, then both sides see each other's clue reference and contact point", async () => {
    const { a, b } = await twoTaskforces();
    const hash = uniqueSha256();
    const clueA = await clue(a.analyst, a.case.id, { mediaRefs: hashRef(hash) });
    const clueB = await clue(b.analyst, b.case.id, { mediaRefs: hashRef(hash) });
    const [queueA] = await deconflictionQueue(a.coordinator);
    expect(queueA).toMatchObject({ status: "OPEN", kind: "HASH", ownClue: { id: clueA.id, caseId: a.case.id }, disclosed: null, mayRequest: true, mayAnswer: false });
    expect(JSON.stringify(queueA)).not.toContain(clueB.id);
    // Each side sees only its own side's item.
    const [queueB] = await deconflictionQueue(b.liaison);
    expect(queueB).toMatchObject({ id: queueA.id, ownClue: { id: clueB.id, value: null } });
    expect(JSON.stringify(queueB)).not.toContain(clueA.id);
    await expect(deconflictionQueue(a.analyst)).rejects.toBeInstanceOf(NotFoundError);
    await expect(stepDeconfliction(a.analyst, queueA.id, { step: "REQUEST", reason: "" })).rejects.toBeInstanceOf(NotFoundError);

    await stepDeconfliction(a.coordinator, queueA.id, { step: "REQUEST", reason: "" });
    await expect(stepDeconfliction(a.coordinator, queueA.id, { step: "ACCEPT", reason: "" })).rejects.toBeInstanceOf(ValidationError);
    const accepted = await stepDeconfliction(b.coordinator, queueA.id, { step: "ACCEPT", reason: "" });
    expect(accepted.disclosed).toMatchObject({ clueId: clueA.id, caseId: a.case.id, caseReference: a.case.reference, contact: { email: a.coordinator.email } });
    const [afterA] = await deconflictionQueue(a.coordinator);
    expect(afterA.disclosed).toMatchObject({ clueId: clueB.id, caseReference: b.case.reference, contact: { email: b.coordinator.email } });
    // The analysts now see the link (its reference, never its value); B's clue itself stays closed to A.
    const linkA = await getClueCorrelations(a.analyst, clueA.id);
    expect(linkA.visible).toMatchObject([{ clueId: clueB.id, caseId: b.case.id, kind: "HASH", disclosed: true, value: null }]);
    expect(linkA.hidden).toEqual([]);
    expect((await getClueCorrelations(b.analyst, clueB.id)).visible.map((link) => link.clueId)).toEqual([clueA.id]);
    // A disclosed link's score is its kind's strength alone: never how B evaluated its clue, nor a change of it.
    expect(linkA.visible[0].score).toBe(1);
    await updateClue(b.analyst, clueB.id, { version: 1, confidence: "LOW", evaluation: { sourceReliability: "X", infoAssessment: 4 } });
    expect((await getClueCorrelations(a.analyst, clueA.id)).visible).toMatchObject([{ clueId: clueB.id, disclosed: true, score: 1 }]);
    expect((await getCaseCorrelations(a.analyst, a.case.id)).visible).toMatchObject([{ caseId: b.case.id, disclosed: true, score: 1 }]);
    for (const action of ["deconfliction.request", "deconfliction.accept"]) expect(await prisma.auditEvent.count({ where: { action, itemId: queueA.id } })).toBe(1);
  });

  it("leaves a TLP:RED clue's side to those who may read it: no item, no step and no live notice for the others", async () => {
    const { a, b } = await twoTaskforces();
    const hash = uniqueSha256();
    const heard = await noticesHeardBy([a.coordinator, a.liaison, b.coordinator]);
    const red = await clue(a.analyst, a.case.id, { mediaRefs: hashRef(hash), handlingCode: "RED" });
    await clue(b.analyst, b.case.id, { mediaRefs: hashRef(hash) });
    await waitFor(() => (heard.get(b.coordinator.id) ?? []).some((notice) => notice.type === "deconfliction.opened"), "B's coordinator hears of the de-confliction");
    const [itemB] = await deconflictionQueue(b.coordinator);
    expect((await deconflictionQueue(a.coordinator)).filter((item) => item.ownClue.id === red.id)).toEqual([]);
    expect((await deconflictionQueue(a.liaison)).filter((item) => item.ownClue.id === red.id)).toEqual([]);
    await expect(stepDeconfliction(a.coordinator, itemB.id, { step: "REQUEST", reason: "" })).rejects.toBeInstanceOf(NotFoundError);
    // B may ask; nobody on A's side who may not read the clue can answer, so nothing about it is disclosed.
    await stepDeconfliction(b.coordinator, itemB.id, { step: "REQUEST", reason: "" });
    await expect(stepDeconfliction(a.coordinator, itemB.id, { step: "ACCEPT", reason: "" })).rejects.toBeInstanceOf(NotFoundError);
    expect((await getClueCorrelations(b.analyst, (await deconflictionQueue(b.coordinator))[0].ownClue.id)).visible).toEqual([]);
    for (const user of [a.coordinator, a.liaison]) expect(JSON.stringify(heard.get(user.id))).not.toContain(red.id);
    // Named as a recipient, A's coordinator may read it, and speaks for it.
    await updateClue(a.analyst, red.id, { version: 1, recipientIds: [a.coordinator.id] });
    const [itemA] = (await deconflictionQueue(a.coordinator)).filter((item) => item.ownClue.id === red.id);
    expect(itemA).toMatchObject({ id: itemB.id, status: "REQUESTED", requestedBy: "them", mayAnswer: true });
  });

  it("says on the queue's page why a step was refused (answering one's own request)", async () => {
    const { a, item } = await requestedDeconfliction();
    const response = await pages.post("/deconfliction", await sessionCookie(a.coordinator.id), { deconflictionId: item.id, step: "ACCEPT", reason: "" });
    expect(response.status).toBe(422);
    const shown = shownText(response.html);
    expect(shown).toContain("Only the other taskforce can answer your request.");
    expect(shown).not.toContain("field needs attention");
  });

  it("keeps a decline's reason on the decliner's side", async () => {
    const { a, b, item } = await requestedDeconfliction();
    await expect(stepDeconfliction(b.coordinator, item.id, { step: "DECLINE", reason: "" })).rejects.toBeInstanceOf(ValidationError);
    const declined = await stepDeconfliction(b.coordinator, item.id, { step: "DECLINE", reason: "Covert operation running until March" });
    expect(declined).toMatchObject({ status: "DECLINED", declineReason: "Covert operation running until March", disclosed: null });
    const [seenByA] = await deconflictionQueue(a.coordinator);
    expect(seenByA).toMatchObject({ status: "DECLINED", declineReason: null, disclosed: null });
    expect(JSON.stringify(seenByA)).not.toContain("Covert");
  });

  it("keeps a decline standing when an edit drops the link and restores it", async () => {
    const { a, b, hash, clueB, item } = await requestedDeconfliction();
    await stepDeconfliction(b.coordinator, item.id, { step: "DECLINE", reason: "Not now" });
    // B's analyst takes the hash off (no link: out of both queues), then puts it back.
    await updateClue(b.analyst, clueB.id, { version: 1, mediaRefs: [] });
    expect(await deconflictionQueue(a.coordinator)).toEqual([]);
    expect(await deconflictionQueue(b.coordinator)).toEqual([]);
    await updateClue(b.analyst, clueB.id, { version: 2, mediaRefs: hashRef(hash) });
    const [again] = await deconflictionQueue(a.coordinator);
    expect(again).toMatchObject({ id: item.id, status: "DECLINED" });
    await expect(stepDeconfliction(a.liaison, item.id, { step: "REQUEST", reason: "" })).rejects.toBeInstanceOf(ValidationError);
    expect((await getClueCorrelations(b.analyst, clueB.id)).hidden).toEqual([expect.objectContaining({ kind: "HASH", deconflictionId: item.id })]);
  });

  it("tells both coordinators, live, when both taskforces hold leads citing linked clues; hidden links reach no socket, search or export", async () => {
    const { a, b } = await twoTaskforces();
    const hash = uniqueSha256();
    const secret = `Secret shop sign ${uniqueSha256().slice(0, 8)}`;
    const roomEvents = new Map<string, unknown[]>();
    const notices = await noticesHeardBy([a.analyst, a.coordinator, b.coordinator], (user, socket) => roomEvents.set(user.id, recordRoomEvents(socket, ROOM_EVENT_NAMES)));
    const clueB = await clue(b.analyst, b.case.id, { value: secret, mediaRefs: hashRef(hash) });
    const clueA = await clue(a.analyst, a.case.id, { value: `Kettle ${uniqueSha256().slice(0, 10)}`, mediaRefs: hashRef(hash) });
    await waitFor(() => (notices.get(a.analyst.id) ?? []).some((notice) => notice.type === "correlation.found"), "A's analyst hears of the match");
    await waitFor(() => (notices.get(b.coordinator.id) ?? []).some((notice) => notice.type === "deconfliction.opened"), "B's coordinator hears of the de-confliction");
    await createLead(a.analyst, a.case.id, { title: "Same picture", clueIds: [clueA.id] });
    await createLead(b.analyst, b.case.id, { title: "Same picture too", clueIds: [clueB.id] });
    for (const coordinator of [a.coordinator, b.coordinator]) {
      await waitFor(() => (notices.get(coordinator.id) ?? []).some((notice) => notice.type === "deconfliction.leads"), "both coordinators hear of the leads");
    }
    expect((await deconflictionQueue(a.coordinator))[0].leadsOnBothSides).toBe(true);
    // Everything A's people received names only A's own clue.
    for (const user of [a.analyst, a.coordinator]) {
      const text = JSON.stringify([notices.get(user.id), roomEvents.get(user.id)]);
      for (const leak of [clueB.id, b.case.id, secret, b.case.reference]) expect(text).not.toContain(leak);
      expect(notices.get(user.id)!.every((notice) => notice.clueId === clueA.id)).toBe(true);
    }
    // The inbox has it too ("correlation" notifications), each about the reader's own clue only.
    await waitFor(async () => (await prisma.notification.count({ where: { kind: "correlation", recipientId: a.coordinator.id } })) > 0, "A's coordinator's inbox");
    const inbox = await prisma.notification.findMany({ where: { kind: "correlation", recipientId: { in: [a.analyst.id, a.coordinator.id] } } });
    expect(inbox.length).toBeGreaterThan(0);
    expect(inbox.every((notice) => notice.itemId === clueA.id)).toBe(true);
    const inboxText = inbox.map((notice) => `${notice.itemId} ${notice.text}`).join("\n");
    for (const leak of [clueB.id, b.case.id, secret, b.case.reference]) expect(inboxText).not.toContain(leak);
    // Search and exports never reveal a hidden link.
    const found = await search(a.analyst, { q: "kettle" });
    expect(JSON.stringify(found)).not.toContain(clueB.id);
    expect(JSON.stringify(await search(a.analyst, { q: secret }))).not.toContain(clueB.id);
    const exported = JSON.stringify(await exportCase(a.analyst, a.case.id));
    for (const leak of [clueB.id, b.case.id, secret, b.case.reference]) expect(exported).not.toContain(leak);
    // A case's panel aggregates: nothing visible, one hidden entry.
    expect((await getCaseCorrelations(a.analyst, a.case.id)).hidden.map((link) => link.kind)).toEqual(["HASH"]);
  });

  it("keeps counts of hidden links out of a coordinator's audit trail, and a restricted lead out of the leads news", async () => {
    const { a, b } = await twoTaskforces();
    const hash = uniqueSha256();
    const clueB = await clue(b.analyst, b.case.id, { mediaRefs: hashRef(hash) });
    const clueA = await clue(a.analyst, a.case.id, { mediaRefs: hashRef(hash) });
    await clue(b.analyst, b.case.id, { mediaRefs: hashRef(hash) });
    await flushAuditRecords();
    const admin = await createActor({ role: "ADMIN", agency: "Agency A", taskforceIds: [] });
    const read = async (actor: Actor) =>
      (await listAuditEvents(actor, { action: "correlation.update", taskforceId: a.taskforceId })).items.filter((event) => event.itemId === clueA.id);
    const [seenByCoordinator] = await read(a.coordinator);
    expect(seenByCoordinator.details).toMatchObject({ kinds: ["HASH"] });
    expect(JSON.stringify(seenByCoordinator.details)).not.toMatch(/links|deconflictions/);
    expect((await read(admin))[0].details).toMatchObject({ links: 1, deconflictionsOpened: 1 });
    // A TLP:RED lead on B's side citing the linked clue is not news for either side's coordinators.
    await createLead(a.analyst, a.case.id, { title: "Same picture", clueIds: [clueA.id] });
    await createLead(b.analyst, b.case.id, { title: "Kept close", clueIds: [clueB.id], handlingCode: "RED" });
    expect((await deconflictionQueue(a.coordinator)).every((item) => !item.leadsOnBothSides)).toBe(true);
    expect(await prisma.auditEvent.count({ where: { action: "deconfliction.leads", taskforceId: { in: [a.taskforceId, b.taskforceId] } } })).toBe(0);
  });

  it("withholds a restricted side's de-confliction events and other readers' counts from a coordinator's audit trail", async () => {
    const { a, b } = await twoTaskforces();
    const named = await createActor({ role: "COORDINATOR", agency: "Agency A", taskforceIds: [a.taskforceId] });
    const hash = uniqueSha256();
    const red = await clue(a.analyst, a.case.id, { mediaRefs: hashRef(hash), handlingCode: "RED", recipientIds: [named.id] });
    await clue(b.analyst, b.case.id, { mediaRefs: hashRef(hash) });
    const [itemB] = await deconflictionQueue(b.coordinator);
    await stepDeconfliction(b.coordinator, itemB.id, { step: "REQUEST", reason: "" });
    await stepDeconfliction(named, itemB.id, { step: "DECLINE", reason: "Operation NIGHTJAR under way" });
    await getClueCorrelations(a.analyst, red.id);
    await getClueCorrelations(named, red.id);
    await flushAuditRecords();
    const events = async (reader: Actor, action: string) => (await listAuditEvents(reader, { action, taskforceId: a.taskforceId })).items;
    expect(await events(a.coordinator, "deconfliction.decline")).toMatchObject([{ itemId: itemB.id, details: null, detailsWithheld: true }]);
    expect(await events(named, "deconfliction.decline")).toMatchObject([{ details: { reason: "Operation NIGHTJAR under way" } }]);
    // Reads count what their reader could see: another reader's counts are left out, one's own kept.
    const reads = await events(named, "correlation.read");
    expect(reads.find((event) => event.actorId === a.analyst.id)?.details).toEqual({ hiddenKinds: ["HASH"] });
    expect(reads.find((event) => event.actorId === named.id)?.details).toMatchObject({ visible: 0 });
  });

  it("tells the author of a clue a hidden match exists once per kind, never once per matching clue", async () => {
    const { a, b } = await twoTaskforces();
    const hash = uniqueSha256();
    const value = `Heron water bottle ${uniqueSha256().slice(0, 8)}`;
    const socket = await suite.connect(b.analyst);
    const heard: CorrelationNotice[] = [];
    socket.on("correlation:notice", (notice) => heard.push(notice));
    const clueB = await clue(b.analyst, b.case.id, { value, mediaRefs: hashRef(hash) });
    // Three of A's cases record the same hash, one after the other: B's analyst could count them and time each.
    for (let i = 0; i < 3; i++) await clue(a.analyst, (await createCase(a.taskforceId, { createdById: a.coordinator.id })).id, { mediaRefs: hashRef(hash) });
    // A new kind is news: the same value, in a fourth case.
    await clue(a.analyst, a.case.id, { value });
    await waitFor(() => heard.some((notice) => notice.type === "correlation.found" && notice.kind === "VALUE"), "B's analyst hears of the value match");
    const found = heard.filter((notice) => notice.type === "correlation.found");
    expect(found.map((notice) => [notice.clueId, notice.kind])).toEqual([
      [clueB.id, "HASH"],
      [clueB.id, "VALUE"],
    ]);
    await waitFor(async () => (await prisma.notification.count({ where: { kind: "correlation", recipientId: b.analyst.id } })) === 2, "B's analyst's inbox");
    const inbox = await prisma.notification.findMany({ where: { kind: "correlation", recipientId: b.analyst.id }, orderBy: { id: "asc" } });
    expect(inbox.map((notice) => notice.text)).toEqual([expect.stringContaining("(the same media hash)"), expect.stringContaining("(the same value)")]);
    // What the clue's page shows agrees: one hidden entry per kind.
    expect((await getClueCorrelations(b.analyst, clueB.id)).hidden.map((link) => link.kind).sort()).toEqual(["HASH", "VALUE"]);
  });

  it("answers the API's correlation and delete endpoints in the documented shapes", async () => {
    const team = await createTeam();
    const caseB = await createCase(team.taskforce.id);
    const hash = uniqueSha256();
    const first = await clue(team.analyst, team.case.id, { mediaRefs: hashRef(hash) });
    const api = await apiCallerFor(suite.url, team.analyst);
    const created = await api("POST", `/cases/${caseB.id}/clues`, { category: "object_product", value: `Kettle ${uniqueSha256().slice(0, 10)}`, mediaRefs: [{ algorithm: "SHA256", value: hash }] });
    expect(created.status).toBe(201);
    // The link exists when the create returns (correlation runs inside the write).
    const links = await api("GET", `/clues/${created.body.id}/correlations`);
    expect(links.body).toEqual({ data: { visible: [{ clueId: first.id, caseId: team.case.id, kind: "HASH", score: expect.any(Number) }], hidden: [] } });
    const perCase = await api("GET", `/cases/${team.case.id}/correlations`);
    expect(perCase.body).toEqual({ data: { visible: [{ caseId: caseB.id, links: 1, kinds: ["HASH"], score: expect.any(Number) }], hidden: [] } });
    expect((await api("GET", `/cases/${team.case.id}/correlations`)).status).toBe(200);
    const outsider = await apiCallerFor(suite.url, team.outsider);
    expect((await outsider("GET", `/cases/${team.case.id}/correlations`)).status).toBe(404);
    expect((await api("DELETE", `/clues/${created.body.id}`)).body).toEqual({ id: created.body.id, deleted: true });
    expect((await api("GET", `/clues/${first.id}/correlations`)).body).toEqual({ data: { visible: [], hidden: [] } });
  });
});
