import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { ValidationError } from "~/utils/errors.server";
import { createCase } from "../helpers/factories";
import { createTeam } from "../helpers/factories";
import { clueAs, clueWithCode, leadAs, refusedActors } from "../helpers/workspace";
import { search, updateLead } from "../helpers/edge";

describe("search", () => {
  it("finds clues by full text over value and detail, by word prefix, with the case reference", async () => {
    const team = await createTeam();
    const clue = await clueAs(team.analyst, team.case.id, { value: "Shampoo label in Polish", detail: "Brand Ziaja, sold 2016-2019" });
    await clueAs(team.analyst, team.case.id, { value: "Radiator under window", detail: "" });
    for (const q of ["ziaja", "shampoo polish", "sham"]) {
      const results = await search(team.analyst, { q });
      expect(results.clues.map((c) => c.id), q).toEqual([clue.id]);
      expect(results.clues[0].caseReference).toBe(team.case.reference);
    }
  });

  it("finds clue values by trigram similarity despite a typo", async () => {
    const team = await createTeam();
    const clue = await clueAs(team.analyst, team.case.id, { value: "Schuko socket", detail: "" });
    expect((await search(team.analyst, { q: "Shucko socket" })).clues.map((c) => c.id)).toContain(clue.id);
  });

  it("finds leads by title and hypothesis, filtered by status", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id, { title: "Holiday flat in Gdansk", hypothesis: "Window view matches the harbour" });
    expect((await search(team.analyst, { q: "harbour" })).leads.map((l) => l.id)).toEqual([lead.id]);
    expect((await search(team.analyst, { q: "harbour", status: "IN_PROGRESS" })).leads).toEqual([]);
    await updateLead(team.analyst, lead.id, { version: 1, status: "IN_PROGRESS" });
    expect((await search(team.analyst, { q: "harbour", status: "IN_PROGRESS" })).leads.map((l) => l.caseReference)).toEqual([team.case.reference]);
  });

  it("filters by category, case, code, author and date", async () => {
    const team = await createTeam();
    const otherCase = await createCase(team.taskforce.id);
    const a = await clueAs(team.analyst, team.case.id, { value: "Blue kettle", category: "object_product" });
    const b = await clueWithCode(team.coordinator, otherCase.id, "GREEN", { value: "Blue curtain", category: "furniture" });
    const ids = async (query: Record<string, unknown>) => (await search(team.analyst, { q: "blue", ...query })).clues.map((c) => c.id).sort();
    expect(await ids({})).toEqual([a.id, b.id].sort());
    expect(await ids({ category: "furniture" })).toEqual([b.id]);
    expect(await ids({ caseId: team.case.id })).toEqual([a.id]);
    expect(await ids({ handlingCode: "GREEN" })).toEqual([b.id]);
    expect(await ids({ authorId: team.analyst.id })).toEqual([a.id]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await ids({ from: today, to: today })).toEqual([a.id, b.id].sort());
    expect(await ids({ to: "2000-01-01" })).toEqual([]);
    expect((await search(team.analyst, { q: "", caseId: otherCase.id })).clues.map((c) => c.id)).toEqual([b.id]);
  });

  it("treats LIKE wildcards in the query as text", async () => {
    const team = await createTeam();
    await clueAs(team.analyst, team.case.id, { value: "Plain text" });
    expect((await search(team.analyst, { q: "%" })).clues).toEqual([]);
  });

  it("asks for a query or a filter", async () => {
    const team = await createTeam();
    await expect(search(team.analyst, { q: "  " })).rejects.toBeInstanceOf(ValidationError);
  });

  for (const code of ["RED", "AMBER_STRICT", "AMBER"] as const) {
    it(`never returns a ${code} item to anyone not entitled to it`, async () => {
      const team = await createTeam();
      const word = `zebra${code.toLowerCase().replace("_", "")}`;
      await clueWithCode(team.analyst, team.case.id, code, { value: `${word} wallpaper` });
      await leadAs(team.analyst, team.case.id, { title: `${word} lead`, handlingCode: code });
      const entitled = await search(team.analyst, { q: word });
      expect([entitled.clues.length, entitled.leads.length]).toEqual([1, 1]);
      for (const [who, actor] of refusedActors(team, code)) {
        const results = await search(actor, { q: word });
        expect([results.clues.length, results.leads.length], who).toEqual([0, 0]);
      }
    });
  }

  it("audits each search", async () => {
    const team = await createTeam();
    await search(team.analyst, { q: "anything" });
    expect(await prisma.auditEvent.count({ where: { actorId: team.analyst.id, action: "search" } })).toBe(1);
  });
});
