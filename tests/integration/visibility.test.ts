// canSeeItem (in-memory), visibleCluesWhere/visibleLeadsWhere (Prisma) and the search SQL fragment must agree
// on every combination of handling code, review state, author, agency and named recipient.
import type { HandlingCode, ReviewState } from "@prisma/client";
import { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { actionableItemsSql, can, canSeeItem, itemVisibility, visibleCluesWhere, visibleItemsSql, visibleLeadsWhere, type Action, type Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { createTeam } from "../helpers/factories";

const CODES: HandlingCode[] = ["RED", "AMBER_STRICT", "AMBER", "GREEN", "CLEAR"];
const REVIEW_STATES: ReviewState[] = ["NONE", "REQUESTED", "APPROVED", "REJECTED"];

describe("visibility rules agree everywhere", () => {
  it("canSeeItem, the Prisma where-builders and the search SQL agree on a matrix of codes x review states x actors", async () => {
    const team = await createTeam();
    const suspended = { ...team.analyst, id: "suspended-copy", status: "SUSPENDED" as const };
    const actors: [string, Actor][] = [
      ["analyst", team.analyst],
      ["analyst of another agency", team.analystOtherAgency],
      ["coordinator", team.coordinator],
      ["liaison", team.liaison],
      ["outsider", team.outsider],
      ["admin", team.admin],
      ["suspended", suspended],
    ];
    // Every combination, written directly so the matrix includes states the models would not produce.
    const authors = [team.analyst, team.analystOtherAgency];
    const clueIds: string[] = [];
    const leadIds: string[] = [];
    for (const code of CODES) {
      for (const reviewState of REVIEW_STATES) {
        for (const author of authors) {
          for (const named of [[], [team.coordinator.id], [team.liaison.id]]) {
            const common = { caseId: team.case.id, taskforceId: team.taskforce.id, authorId: author.id, authorAgency: author.agency, handlingCode: code, reviewState };
            const clue = await prisma.clue.create({
              data: { ...common, categoryKey: "other", value: "matrix", recipients: { create: named.map((userId) => ({ userId })) } },
            });
            // A lead the analyst wrote is owned by the other agency's analyst: "own" is the author's or the owner's.
            const ownerId = author.id === team.analyst.id ? team.analystOtherAgency.id : null;
            const lead = await prisma.lead.create({ data: { ...common, ownerId, title: "matrix", recipients: { create: named.map((userId) => ({ userId })) } } });
            clueIds.push(clue.id);
            leadIds.push(lead.id);
          }
        }
      }
    }
    const clues = await prisma.clue.findMany({ where: { id: { in: clueIds } }, include: { recipients: true } });
    const leads = await prisma.lead.findMany({ where: { id: { in: leadIds } }, include: { recipients: true } });
    expect(clues).toHaveLength(CODES.length * REVIEW_STATES.length * 6);

    for (const [who, actor] of actors) {
      const expectedClues = clues.filter((clue) => canSeeItem(actor, itemVisibility(clue))).map((c) => c.id).sort();
      const expectedLeads = leads.filter((lead) => canSeeItem(actor, itemVisibility(lead))).map((l) => l.id).sort();
      const viaPrisma = (await prisma.clue.findMany({ where: { AND: [visibleCluesWhere(actor), { id: { in: clueIds } }] }, select: { id: true } })).map((c) => c.id).sort();
      const leadsViaPrisma = (await prisma.lead.findMany({ where: { AND: [visibleLeadsWhere(actor), { id: { in: leadIds } }] }, select: { id: true } })).map((l) => l.id).sort();
      const viaSql = (
        await prisma.$queryRaw<{ id: string }[]>`SELECT c."id" FROM "Clue" c WHERE ${visibleItemsSql(actor, "clue", "c")} AND c."id" IN (${Prisma.join(clueIds)})`
      ).map((row) => row.id).sort();
      const leadsViaSql = (
        await prisma.$queryRaw<{ id: string }[]>`SELECT l."id" FROM "Lead" l WHERE ${visibleItemsSql(actor, "lead", "l")} AND l."id" IN (${Prisma.join(leadIds)})`
      ).map((row) => row.id).sort();
      expect(viaPrisma, `${who}: clues via Prisma`).toEqual(expectedClues);
      expect(viaSql, `${who}: clues via SQL`).toEqual(expectedClues);
      expect(leadsViaPrisma, `${who}: leads via Prisma`).toEqual(expectedLeads);
      expect(leadsViaSql, `${who}: leads via SQL`).toEqual(expectedLeads);
      // actionableItemsSql (a shared lead decided in its statement) agrees with can(), scope by scope.
      for (const [kind, action, rows] of [["lead", "lead:share", leads], ["lead", "lead:update", leads], ["lead", "lead:claim", leads], ["clue", "clue:update", clues]] as const) {
        const ids = rows.map((row) => row.id);
        const expected = rows.filter((row) => can(actor, action as Action, { type: kind, ownerId: "ownerId" in row ? row.ownerId : null, ...itemVisibility(row) })).map((row) => row.id).sort();
        const table = Prisma.raw(kind === "lead" ? `"Lead"` : `"Clue"`);
        const viaSql = (await prisma.$queryRaw<{ id: string }[]>`SELECT i."id" FROM ${table} i WHERE ${actionableItemsSql(actor, action as Action, kind, "i")} AND i."id" IN (${Prisma.join(ids)})`).map((row) => row.id).sort();
        expect(viaSql, `${who}: ${action} via SQL`).toEqual(expected);
      }
    }
    // The action matrix is not trivially empty or full either: an analyst may update only what they wrote or own.
    const updatable = (actor: Actor) => leads.filter((lead) => can(actor, "lead:update", { type: "lead", ownerId: lead.ownerId, ...itemVisibility(lead) })).length;
    expect(updatable(team.analyst)).toBeGreaterThan(0);
    expect(updatable(team.analyst)).toBeLessThan(leads.filter((lead) => canSeeItem(team.analyst, itemVisibility(lead))).length);
    expect(updatable(team.analystOtherAgency)).toBeGreaterThan(updatable(team.analyst) / 4);

    // The matrix is not trivially empty or full for the people it is about.
    const seenBy = (actor: Actor) => clues.filter((clue) => canSeeItem(actor, itemVisibility(clue))).length;
    expect(seenBy(team.analyst)).toBeGreaterThan(0);
    expect(seenBy(team.analyst)).toBeLessThan(clues.length);
    expect(seenBy(team.liaison)).toBeGreaterThan(0);
    expect(seenBy(team.admin)).toBe(0);
    expect(seenBy(team.outsider)).toBe(0);
  });
});
