import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { flushAuditRecords } from "~/models/audit.server";
import { onRoomEvents, type StoredRoomEvent } from "~/models/rooms.server";
import { getClue, listCluesJson } from "~/models/clues.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { createTeam } from "../helpers/factories";
import { SHA256, clueAs, clueWithCode, refusedActors } from "../helpers/workspace";
import { createClue, listClues, updateClue } from "../helpers/edge";
import { jsonSafe } from "~/utils/json";

describe("clues", () => {
  it("records a clue with category, evaluation, media hash ids, handling code and a first version", async () => {
    const team = await createTeam();
    const clue = await clueAs(team.analyst, team.case.id, {
      confidence: "high",
      mediaRefs: `SHA256:${SHA256.toUpperCase()}\nAGENCY:NL-2026-0042`,
      evaluation: { sourceReliability: "B", infoAssessment: 2 },
      handlingCode: "TLP:AMBER+STRICT",
    });
    expect(clue).toMatchObject({ categoryKey: "architecture_fixture", confidence: "HIGH", handlingCode: "AMBER_STRICT", version: 1 });
    expect(clue.evaluation).toEqual({ sourceReliability: "B", infoAssessment: 2 });
    expect(clue.mediaRefs.map((ref) => `${ref.algorithm}:${ref.value}`)).toEqual([`SHA256:${SHA256}`, "AGENCY:NL-2026-0042"]);
    const detail = await getClue(team.analyst, clue.id);
    expect(detail.versions).toHaveLength(1);
    expect(detail.versions[0].changes.value).toEqual({ from: null, to: "Power socket type F" });
    // A read's record is queued, not awaited (decision 018).
    await flushAuditRecords();
    const audit = await prisma.auditEvent.findMany({ where: { itemId: clue.id }, orderBy: { id: "asc" } });
    expect(audit.map((row) => row.action)).toEqual(["clue.create", "clue.read"]);
  });

  it("lists each clue as the same view a write returns (the list reads in plain SQL, writes through Prisma)", async () => {
    const team = await createTeam();
    const written = await clueAs(team.analyst, team.case.id, {
      mediaRefs: `SHA256:${SHA256}\nAGENCY:NL-2026-0042`,
      evaluation: { sourceReliability: "C", infoAssessment: 3 },
      handlingCode: "RED",
      recipientIds: [team.coordinator.id],
      detail: "Label half hidden",
    });
    const listed = await listClues(team.analyst, team.case.id);
    expect(JSON.parse(JSON.stringify(listed.items))).toEqual([JSON.parse(JSON.stringify(written))]);
    expect(Object.keys(listed.items[0]).sort()).toEqual(Object.keys(written).sort());
  });

  it("uses the case's default handling code when none is given", async () => {
    const team = await createTeam();
    const clue = await clueAs(team.analyst, team.case.id);
    expect(clue.handlingCode).toBe("AMBER");
  });

  it("refuses media in text fields with a per-field message", async () => {
    const team = await createTeam();
    const error = await clueAs(team.analyst, team.case.id, { detail: "see <img src=x onerror=1>" }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fields.detail[0]).toMatch(/text-only/);
    expect(await prisma.clue.count({ where: { caseId: team.case.id } })).toBe(0);
  });

  it("refuses media refs that do not have their algorithm's shape", async () => {
    const team = await createTeam();
    const error = await clueAs(team.analyst, team.case.id, { mediaRefs: [{ algorithm: "MD5", value: SHA256 }] }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fields["mediaRefs.0.value"][0]).toMatch(/32 hex/);
  });

  it("refuses an unknown category", async () => {
    const team = await createTeam();
    const error = await clueAs(team.analyst, team.case.id, { category: "nope" }).catch((e) => e);
    expect(error.fields.category).toBeDefined();
  });

  it("announces a created clue only after it is committed, with the clue's visibility", async () => {
    const team = await createTeam();
    const heard: StoredRoomEvent[] = [];
    const stop = onRoomEvents((events) => heard.push(...events));
    try {
      const clue = await clueWithCode(team.analyst, team.case.id, "AMBER_STRICT");
      expect(heard).toHaveLength(1);
      expect(heard[0]).toMatchObject({ type: "clue.created", itemId: clue.id, visibility: { handlingCode: "AMBER_STRICT", authorAgency: "Agency A" } });
      expect(await prisma.roomEvent.count({ where: { itemId: clue.id } })).toBe(1);
    } finally {
      stop();
    }
  });

  for (const code of ["RED", "AMBER_STRICT", "AMBER"] as const) {
    it(`hides a ${code} clue from everyone not entitled to it, as not found`, async () => {
      const team = await createTeam();
      const clue = await clueWithCode(team.analyst, team.case.id, code);
      for (const [, actor] of refusedActors(team, code)) {
        await expect(getClue(actor, clue.id)).rejects.toBeInstanceOf(NotFoundError);
        if (actor !== team.admin && actor !== team.outsider) {
          const page = await listClues(actor, team.case.id);
          expect(page.items.map((item) => item.id)).not.toContain(clue.id);
        }
      }
    });
  }

  it("shows a RED clue to its author and the members named on it only", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "RED", { recipientIds: [team.analystOtherAgency.id] });
    expect((await getClue(team.analystOtherAgency, clue.id)).recipients.map((r) => r.id)).toEqual([team.analystOtherAgency.id]);
    await expect(getClue(team.coordinator, clue.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("refuses named recipients on a clue that is not RED, and non-members as recipients", async () => {
    const team = await createTeam();
    await expect(clueWithCode(team.analyst, team.case.id, "AMBER", { recipientIds: [team.coordinator.id] })).rejects.toBeInstanceOf(ValidationError);
    await expect(clueWithCode(team.analyst, team.case.id, "RED", { recipientIds: [team.outsider.id] })).rejects.toBeInstanceOf(ValidationError);
  });

  it("lists clues newest first with a stable cursor, filtered by category", async () => {
    const team = await createTeam();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await clueAs(team.analyst, team.case.id, { value: `Clue ${i}` })).id);
    await clueAs(team.analyst, team.case.id, { category: "clothing", value: "Red scarf" });
    const first = await listClues(team.analyst, team.case.id, { category: "architecture_fixture", take: 2 });
    expect(first.items.map((c) => c.id)).toEqual([ids[4], ids[3]]);
    await clueAs(team.analyst, team.case.id, { value: "Added meanwhile" });
    const second = await listClues(team.analyst, team.case.id, { category: "architecture_fixture", take: 2, cursor: first.nextCursor! });
    expect(second.items.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const third = await listClues(team.analyst, team.case.id, { category: "architecture_fixture", take: 2, cursor: second.nextCursor! });
    expect(third.items.map((c) => c.id)).toEqual([ids[0]]);
    expect(third.nextCursor).toBeNull();
    await expect(listClues(team.analyst, team.case.id, { take: 500 })).rejects.toBeInstanceOf(ValidationError);
  });

  it("keeps a version history of who changed what", async () => {
    const team = await createTeam();
    const clue = await clueAs(team.analyst, team.case.id);
    const updated = await updateClue(team.analyst, clue.id, { version: 1, value: "Power socket type E", confidence: "LOW" });
    expect(updated.version).toBe(2);
    const detail = await getClue(team.analyst, clue.id);
    expect(detail.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(detail.versions[0].changes).toEqual({ value: { from: "Power socket type F", to: "Power socket type E" }, confidence: { from: "MEDIUM", to: "LOW" } });
    expect(detail.versions[0].editor?.id).toBe(team.analyst.id);
  });

  it("refuses a stale edit with a clear message and the newer version, never overwriting", async () => {
    const team = await createTeam();
    const clue = await clueAs(team.analyst, team.case.id);
    await updateClue(team.coordinator, clue.id, { version: 1, value: "Coordinator's edit" });
    const error = await updateClue(team.analyst, clue.id, { version: 1, value: "Analyst's stale edit" }).catch((e) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(/changed by someone else.*version 1.*version 2/);
    expect(error.current).toMatchObject({ version: 2, value: "Coordinator's edit" });
    expect((await getClue(team.analyst, clue.id)).value).toBe("Coordinator's edit");
  });

  it("refuses edits by an analyst who is not the author", async () => {
    const team = await createTeam();
    const clue = await clueAs(team.analyst, team.case.id);
    await expect(updateClue(team.analystOtherAgency, clue.id, { version: 1, value: "x" })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("lets the author and a coordinator lower a code, audited, and refuses a non-author analyst", async () => {
    const team = await createTeam();
    const mine = await clueWithCode(team.analyst, team.case.id, "AMBER");
    await expect(updateClue(team.analystOtherAgency, mine.id, { version: 1, handlingCode: "GREEN" })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await updateClue(team.analyst, mine.id, { version: 1, handlingCode: "GREEN" })).handlingCode).toBe("GREEN");
    const byCoordinator = await updateClue(team.coordinator, mine.id, { version: 2, handlingCode: "CLEAR" });
    expect(byCoordinator.handlingCode).toBe("CLEAR");
    const lowered = await prisma.auditEvent.findMany({ where: { itemId: mine.id, action: "clue.lower_code" }, orderBy: { id: "asc" } });
    expect(lowered.map((row) => [row.actorId, row.details])).toEqual([
      [team.analyst.id, { from: "AMBER", to: "GREEN", byAuthor: true }],
      [team.coordinator.id, { from: "GREEN", to: "CLEAR", byAuthor: false }],
    ]);
  });

  it("refuses a clue on a case of another taskforce as not found", async () => {
    const team = await createTeam();
    await expect(clueAs(team.outsider, team.case.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(clueAs(team.admin, team.case.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(createClue(team.liaison, team.case.id, { category: "other", value: "x" })).rejects.toBeInstanceOf(ForbiddenError);
  });

  // Decision 027: the API's clue list is JSON text written by PostgreSQL. It must be, value for value, what the
  // views built in the serving process stringify to: every field, nested object, list facet, date and cursor.
  it("lists the same page as JSON text written by PostgreSQL as the views built in the server, cursor included", async () => {
    const team = await createTeam();
    const inputs = [
      { category: "other", value: "Plain clue" },
      { category: "object_product", value: "Shampoo label, Polish", detail: "seen in two frames", confidence: "HIGH", evaluation: { sourceReliability: "B", infoAssessment: 2 },
        mediaRefs: [{ algorithm: "SHA256", value: SHA256 }], facets: [{ type: "productSoldIn", value: ["cz", "PL"] }, { type: "plugType", value: "type f" }] },
      { category: "other", value: "Only for one colleague", handlingCode: "RED", recipientIds: [team.coordinator.id] },
      { category: "other", value: "Quote \"marks\", a backslash \\ and ünïcödé ✓" },
    ];
    for (const input of inputs) await createClue(team.analyst, team.case.id, input);
    for (const actor of [team.analyst, team.coordinator]) {
      let cursor: string | undefined;
      for (let page = 0; page < 3; page++) {
        const query = { take: 2, ...(cursor ? { cursor } : {}) };
        const fromViews = jsonSafe(await listClues(actor, team.case.id, query));
        const fromSql = JSON.parse((await listCluesJson(actor, team.case.id, query)).text) as typeof fromViews;
        expect(fromSql).toEqual(fromViews);
        cursor = fromViews.nextCursor ?? undefined;
        if (!cursor) break;
      }
    }
    await expect(listCluesJson(team.outsider, team.case.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(listCluesJson(team.analyst, "no-such-case")).rejects.toBeInstanceOf(NotFoundError);
  });
});
