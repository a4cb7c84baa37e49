import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { getClue } from "~/models/clues.server";
import { getLead } from "~/models/leads.server";
import { listReviewQueue } from "~/models/reviews.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { createTeam } from "../helpers/factories";
import { clueWithCode, leadAs } from "../helpers/workspace";
import { decideReview, requestReview, search, updateClue } from "../helpers/edge";

describe("liaison review", () => {
  it("keeps items out of a liaison's sight until they are submitted for review", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "GREEN", { value: "Tram ticket, Krakow" });
    await expect(getClue(team.liaison, clue.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await search(team.liaison, { q: "tram" })).clues).toEqual([]);
    await expect(decideReview(team.liaison, "CLUE", clue.id, { decision: "APPROVED" })).rejects.toBeInstanceOf(NotFoundError);

    await requestReview(team.analyst, "CLUE", clue.id);
    expect((await getClue(team.liaison, clue.id)).reviewState).toBe("REQUESTED");
    expect((await search(team.liaison, { q: "tram" })).clues.map((c) => c.id)).toEqual([clue.id]);
    expect((await listReviewQueue(team.liaison)).map((item) => item.id)).toEqual([clue.id]);
  });

  it("accepts only GREEN or CLEAR items, from their author or a coordinator", async () => {
    const team = await createTeam();
    const amber = await clueWithCode(team.analyst, team.case.id, "AMBER");
    const error = await requestReview(team.analyst, "CLUE", amber.id).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fields.handlingCode[0]).toMatch(/GREEN or TLP:CLEAR/);
    const green = await clueWithCode(team.analyst, team.case.id, "GREEN");
    await expect(requestReview(team.analystOtherAgency, "CLUE", green.id)).rejects.toBeInstanceOf(ForbiddenError);
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "CLEAR" });
    expect((await requestReview(team.coordinator, "LEAD", lead.id)).reviewState).toBe("REQUESTED");
  });

  it("records a liaison's decision with a review row, an audit record and a room event", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "GREEN" });
    await requestReview(team.analyst, "LEAD", lead.id);
    await expect(decideReview(team.analyst, "LEAD", lead.id, { decision: "APPROVED" })).rejects.toBeInstanceOf(ForbiddenError);
    const noNote = await decideReview(team.liaison, "LEAD", lead.id, { decision: "REJECTED" }).catch((e) => e);
    expect(noNote.fields.note).toBeDefined();
    const { review, item } = await decideReview(team.liaison, "LEAD", lead.id, { decision: "APPROVED", note: "Fine for the appeal." });
    expect(review).toMatchObject({ itemType: "LEAD", itemId: lead.id, reviewerId: team.liaison.id, decision: "APPROVED" });
    expect(item.reviewState).toBe("APPROVED");
    expect(await prisma.auditEvent.count({ where: { itemId: lead.id, action: "review.decide" } })).toBe(1);
    const event = await prisma.roomEvent.findFirstOrThrow({ where: { itemId: lead.id, type: "review.decided" } });
    expect(event.visibility).toMatchObject({ reviewState: "APPROVED", handlingCode: "GREEN" });
    await expect(decideReview(team.liaison, "LEAD", lead.id, { decision: "APPROVED" })).rejects.toBeInstanceOf(ValidationError);
    expect((await getLead(team.liaison, lead.id)).reviewState).toBe("APPROVED");
  });

  it("takes an item out of review when its code is raised above GREEN", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "GREEN");
    await requestReview(team.analyst, "CLUE", clue.id);
    await updateClue(team.analyst, clue.id, { version: 1, handlingCode: "AMBER" });
    await expect(getClue(team.liaison, clue.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("refuses a decision on a version the liaison did not see", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "GREEN", { value: "Bus stop sign, line 12" });
    await requestReview(team.analyst, "CLUE", clue.id);
    const [queued] = await listReviewQueue(team.liaison);
    // The author edits while the liaison reads the queue: the item stays in review, with new content.
    await updateClue(team.analyst, clue.id, { version: queued.version, value: "Bus stop sign, line 12 and 14" });
    const stale = await decideReview(team.liaison, "CLUE", clue.id, { decision: "APPROVED", version: queued.version }).catch((e) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    const [current] = await listReviewQueue(team.liaison);
    const { item } = await decideReview(team.liaison, "CLUE", clue.id, { decision: "APPROVED", version: current.version });
    expect(item.reviewState).toBe("APPROVED");
  });
});
