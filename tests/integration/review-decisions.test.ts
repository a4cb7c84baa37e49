// Issue 12, review decisions: return with a note, reject with a note, approve with redactions (the original stays
// untouched and visible to the taskforce, the redacted copy beside it), and who approved it, when, with what note.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { getClue } from "~/models/clues.server";
import { getLead } from "~/models/leads.server";
import { reviewHistory, standingApprovals } from "~/models/reviews.server";
import { ForbiddenError, ValidationError } from "~/utils/errors.server";
import { createTeam } from "../helpers/factories";
import { clueWithCode, leadAs } from "../helpers/workspace";
import { decideReview, requestReview, updateClue, updateLead } from "../helpers/edge";

describe("review decisions", () => {
  it("returns an item to its author with a note the author and the requester see in its history", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "GREEN" });
    await requestReview(team.coordinator, "LEAD", lead.id);
    const noNote = await decideReview(team.liaison, "LEAD", lead.id, { decision: "RETURNED" }).catch((e) => e);
    expect(noNote).toBeInstanceOf(ValidationError);
    expect(noNote.fields.note[0]).toMatch(/what the author should change/);

    const { review, item } = await decideReview(team.liaison, "LEAD", lead.id, { decision: "returned", note: "Name the shop chain, not the branch." });
    expect(review.decision).toBe("RETURNED");
    expect(item.reviewState).toBe("RETURNED");
    for (const reader of [team.analyst, team.coordinator]) {
      expect((await getLead(reader, lead.id)).reviewState).toBe("RETURNED");
    }
    const history = await reviewHistory("LEAD", lead.id);
    expect(history.map((entry) => [entry.decision, entry.by?.id, entry.note])).toEqual([
      ["REQUESTED", team.coordinator.id, ""],
      ["RETURNED", team.liaison.id, "Name the shop chain, not the branch."],
    ]);
    // The author edits and asks again; the liaison can then approve.
    const edited = await updateLead(team.analyst, lead.id, { version: item.version, hypothesis: "Sold by one shop chain" });
    expect(edited.reviewState).toBe("RETURNED");
    await requestReview(team.analyst, "LEAD", lead.id);
    expect((await decideReview(team.liaison, "LEAD", lead.id, { decision: "APPROVED" })).item.reviewState).toBe("APPROVED");
  });

  it("rejects with a note, and audits the decision", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "CLEAR", { value: "Mug with a football club crest" });
    await requestReview(team.analyst, "CLUE", clue.id);
    await expect(decideReview(team.liaison, "CLUE", clue.id, { decision: "REJECTED" })).rejects.toBeInstanceOf(ValidationError);
    const { item } = await decideReview(team.liaison, "CLUE", clue.id, { decision: "REJECTED", note: "Identifies the room." });
    expect(item.reviewState).toBe("REJECTED");
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { itemId: clue.id, action: "review.decide" } });
    expect(audit.details).toMatchObject({ decision: "REJECTED", redacted: [] });
    expect((await reviewHistory("CLUE", clue.id)).at(-1)).toMatchObject({ decision: "REJECTED", note: "Identifies the room." });
  });

  it("approves with redactions: the original is untouched, the redacted copy stands beside it", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "GREEN", { value: "Shampoo label, shop in Lodz", detail: "Bought at the shop on Piotrkowska 12" });
    await requestReview(team.analyst, "CLUE", clue.id);
    const before = await prisma.clue.findUniqueOrThrow({ where: { id: clue.id } });

    const { review, item } = await decideReview(team.liaison, "CLUE", clue.id, {
      decision: "APPROVED",
      note: "Street address removed.",
      redaction: { detail: "Bought at a shop in Poland" },
    });
    expect(review.redaction).toEqual({ value: "Shampoo label, shop in Lodz", detail: "Bought at a shop in Poland" });
    const after = await prisma.clue.findUniqueOrThrow({ where: { id: clue.id } });
    expect({ value: after.value, detail: after.detail, version: after.version }).toEqual({ value: before.value, detail: before.detail, version: before.version });
    expect(item).toMatchObject({ reviewState: "APPROVED", detail: "Bought at the shop on Piotrkowska 12" });
    // The taskforce still reads the original; the approval names who, when and why, with the copy that leaves.
    expect((await getClue(team.analystOtherAgency, clue.id)).detail).toBe("Bought at the shop on Piotrkowska 12");
    const approval = (await standingApprovals("CLUE", [clue.id])).get(clue.id);
    expect(approval).toMatchObject({ reviewerId: team.liaison.id, note: "Street address removed.", redaction: { detail: "Bought at a shop in Poland" } });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { itemId: clue.id, action: "review.decide" } });
    expect(audit.details).toMatchObject({ decision: "APPROVED", redacted: ["detail"] });

    // An edit voids the approval, and with it the redacted copy.
    await updateClue(team.analyst, clue.id, { version: after.version, detail: "Bought at the shop on Piotrkowska 14" });
    expect((await getClue(team.analyst, clue.id)).reviewState).toBe("NONE");
  });

  it("refuses a redaction with a rejection, of another item type's fields, or emptying the required field", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "GREEN" });
    await requestReview(team.analyst, "LEAD", lead.id);
    const withReject = await decideReview(team.liaison, "LEAD", lead.id, { decision: "REJECTED", note: "No", redaction: { title: "x" } }).catch((e) => e);
    expect(withReject.fields.redaction).toBeDefined();
    const wrongField = await decideReview(team.liaison, "LEAD", lead.id, { decision: "APPROVED", redaction: { value: "x" } }).catch((e) => e);
    expect(wrongField).toBeInstanceOf(ValidationError);
    expect(wrongField.fields.redaction[0]).toMatch(/title and hypothesis/);
    const emptied = await decideReview(team.liaison, "LEAD", lead.id, { decision: "APPROVED", redaction: { title: "" } }).catch((e) => e);
    expect(emptied.fields["redaction.title"]).toBeDefined();
    const media = await decideReview(team.liaison, "LEAD", lead.id, { decision: "APPROVED", redaction: { hypothesis: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==" } }).catch((e) => e);
    expect(media).toBeInstanceOf(ValidationError);
    expect(media.fields["redaction.hypothesis"]).toBeDefined();
    // Unchanged boxes are a plain approval: nothing is stored as a redaction.
    const { review } = await decideReview(team.liaison, "LEAD", lead.id, { decision: "APPROVED", redaction: { title: lead.title } });
    expect(review.redaction).toBeNull();
  });

  it("lets only a liaison decide, and never edit the original", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "GREEN");
    await requestReview(team.analyst, "CLUE", clue.id);
    for (const actor of [team.analyst, team.coordinator]) {
      await expect(decideReview(actor, "CLUE", clue.id, { decision: "RETURNED", note: "x" })).rejects.toBeInstanceOf(ForbiddenError);
    }
    await expect(updateClue(team.liaison, clue.id, { version: clue.version, value: "Edited by the liaison" })).rejects.toBeInstanceOf(ForbiddenError);
  });
});
