import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { getLead } from "~/models/leads.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { createTeam } from "../helpers/factories";
import { clueWithCode, leadAs, refusedActors } from "../helpers/workspace";
import { listLeads, updateClue, updateLead } from "../helpers/edge";

describe("leads", () => {
  it("links a hypothesis to the clues that support it and takes the strictest code by default", async () => {
    const team = await createTeam();
    const amber = await clueWithCode(team.analyst, team.case.id, "AMBER");
    const strict = await clueWithCode(team.analyst, team.case.id, "AMBER_STRICT");
    const lead = await leadAs(team.analyst, team.case.id, { clueIds: [amber.id, strict.id], priority: "high" });
    expect(lead).toMatchObject({ handlingCode: "AMBER_STRICT", status: "OPEN", priority: "HIGH", ownerId: team.analyst.id, citedClueCount: 2 });
    const detail = await getLead(team.analyst, lead.id);
    expect(detail.clues.map((clue) => clue.id).sort()).toEqual([amber.id, strict.id].sort());
    expect(detail.hiddenClueCount).toBe(0);
  });

  it("refuses a code looser than the strictest cited clue, with a field error", async () => {
    const team = await createTeam();
    const strict = await clueWithCode(team.analyst, team.case.id, "AMBER_STRICT");
    const error = await leadAs(team.analyst, team.case.id, { clueIds: [strict.id], handlingCode: "AMBER" }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fields.handlingCode[0]).toMatch(/cites a TLP:AMBER\+STRICT clue/);
    const lead = await leadAs(team.analyst, team.case.id, { clueIds: [strict.id], handlingCode: "RED" });
    await expect(updateLead(team.analyst, lead.id, { version: 1, handlingCode: "AMBER" })).rejects.toBeInstanceOf(ValidationError);
  });

  it("raises a lead's code when a clue it cites is raised, audited, and bumps its version", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "GREEN");
    const lead = await leadAs(team.coordinator, team.case.id, { clueIds: [clue.id], handlingCode: "AMBER" });
    await updateClue(team.analyst, clue.id, { version: 1, handlingCode: "AMBER_STRICT" });
    const raised = await getLead(team.coordinator, lead.id);
    expect(raised).toMatchObject({ handlingCode: "AMBER_STRICT", version: 2 });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { itemId: lead.id, action: "lead.raise_code" } });
    expect(audit.details).toEqual({ from: "AMBER", to: "AMBER_STRICT", becauseClueId: clue.id });
    await expect(updateLead(team.coordinator, lead.id, { version: 1, title: "stale" })).rejects.toBeInstanceOf(ConflictError);
  });

  it("shows the evidence chain without the content of cited clues the reader may not see", async () => {
    const team = await createTeam();
    const open = await clueWithCode(team.analyst, team.case.id, "AMBER");
    const secret = await clueWithCode(team.analyst, team.case.id, "RED");
    const lead = await leadAs(team.analyst, team.case.id, { clueIds: [open.id, secret.id], handlingCode: "RED", recipientIds: [team.coordinator.id] });
    const seen = await getLead(team.coordinator, lead.id);
    expect(seen.clues.map((clue) => clue.id)).toEqual([open.id]);
    expect(seen.hiddenClueCount).toBe(1);
    expect(JSON.stringify(seen)).not.toContain(secret.id);
  });

  it("keeps hidden cited clues when an editor who cannot see them changes the citations", async () => {
    const team = await createTeam();
    const open = await clueWithCode(team.analyst, team.case.id, "AMBER");
    const secret = await clueWithCode(team.analyst, team.case.id, "RED");
    const lead = await leadAs(team.analyst, team.case.id, { clueIds: [secret.id], handlingCode: "RED", recipientIds: [team.coordinator.id] });
    await updateLead(team.coordinator, lead.id, { version: 1, clueIds: [open.id] });
    const links = await prisma.leadClue.findMany({ where: { leadId: lead.id } });
    expect(links.map((link) => link.clueId).sort()).toEqual([open.id, secret.id].sort());
  });

  it("moves open -> in progress -> confirmed, requiring a reason to confirm or dismiss", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id);
    const error = await updateLead(team.analyst, lead.id, { version: 1, status: "DISMISSED" }).catch((e) => e);
    expect(error.fields.statusReason[0]).toMatch(/reason/);
    const skipped = await updateLead(team.analyst, lead.id, { version: 1, status: "CONFIRMED", statusReason: "x" }).catch((e) => e);
    expect(skipped.fields.status[0]).toMatch(/cannot go from Open to Confirmed/);
    const doing = await updateLead(team.analyst, lead.id, { version: 1, status: "IN_PROGRESS" });
    const done = await updateLead(team.analyst, lead.id, { version: doing.version, status: "CONFIRMED", statusReason: "Shop confirmed the label" });
    expect(done).toMatchObject({ status: "CONFIRMED", statusReason: "Shop confirmed the label", version: 3 });
  });

  it("lets only the author or a coordinator lower a lead's code", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.coordinator, team.case.id, { handlingCode: "AMBER", ownerId: team.analyst.id });
    await expect(updateLead(team.analyst, lead.id, { version: 1, handlingCode: "GREEN" })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await updateLead(team.analyst, lead.id, { version: 1, title: "Owner may edit" })).title).toBe("Owner may edit");
    expect((await updateLead(team.coordinator, lead.id, { version: 2, handlingCode: "GREEN" })).handlingCode).toBe("GREEN");
    expect(await prisma.auditEvent.count({ where: { itemId: lead.id, action: "lead.lower_code" } })).toBe(1);
  });

  it("refuses citing a clue the author cannot see, as if it did not exist", async () => {
    const team = await createTeam();
    const strict = await clueWithCode(team.analyst, team.case.id, "AMBER_STRICT");
    const error = await leadAs(team.analystOtherAgency, team.case.id, { clueIds: [strict.id] }).catch((e) => e);
    expect(error.fields.clueIds[0]).toBe(`Clue ${strict.id} was not found in this case.`);
  });

  for (const code of ["RED", "AMBER_STRICT", "AMBER"] as const) {
    it(`hides a ${code} lead from everyone not entitled to it, as not found`, async () => {
      const team = await createTeam();
      const lead = await leadAs(team.analyst, team.case.id, { handlingCode: code });
      for (const [, actor] of refusedActors(team, code)) {
        await expect(getLead(actor, lead.id)).rejects.toBeInstanceOf(NotFoundError);
        await expect(updateLead(actor, lead.id, { version: 1, title: "x" })).rejects.toBeInstanceOf(NotFoundError);
        if (actor !== team.admin && actor !== team.outsider) expect((await listLeads(actor, team.case.id)).map((l) => l.id)).not.toContain(lead.id);
      }
    });
  }
});
