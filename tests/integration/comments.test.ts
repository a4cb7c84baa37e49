import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { listComments, listMyMentions } from "~/models/comments.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { createTeam } from "../helpers/factories";
import { clueWithCode, leadAs } from "../helpers/workspace";
import { createComment, createTask, updateClue } from "../helpers/edge";

describe("comments", () => {
  it("stores a text-only comment on a clue, audited and announced", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "AMBER");
    const comment = await createComment(team.coordinator, { itemType: "CLUE", itemId: clue.id, body: "Looks like a Schuko socket." });
    expect(comment).toMatchObject({ itemType: "CLUE", itemId: clue.id, caseId: team.case.id, authorId: team.coordinator.id });
    expect((await listComments(team.analyst, "CLUE", clue.id)).map((c) => c.body)).toEqual(["Looks like a Schuko socket."]);
    expect(await prisma.auditEvent.count({ where: { itemId: comment.id, action: "comment.create" } })).toBe(1);
    expect(await prisma.roomEvent.count({ where: { itemId: comment.id, type: "comment.created" } })).toBe(1);
  });

  it("refuses media in a comment with a per-field message", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id);
    const error = await createComment(team.analyst, { itemType: "LEAD", itemId: lead.id, body: "![photo](https://x.example/a.png)" }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fields.body[0]).toMatch(/text-only/);
  });

  it("resolves @mentions only to members who may see the item, and stores them", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "AMBER_STRICT");
    const body = `@${team.coordinator.email} and @${team.analystOtherAgency.email}, also @${team.outsider.email} and @nobody@nowhere.test: please check.`;
    const comment = await createComment(team.analyst, { itemType: "CLUE", itemId: clue.id, body });
    expect(comment.mentions.map((m) => m.id)).toEqual([team.coordinator.id]);
    const rows = await prisma.commentMention.findMany({ where: { commentId: comment.id } });
    expect(rows.map((row) => row.userId)).toEqual([team.coordinator.id]);
  });

  it("mentions an email at the end of a sentence", async () => {
    const team = await createTeam();
    const task = await createTask(team.coordinator, team.case.id, { title: "Look", assigneeId: team.analyst.id });
    const comment = await createComment(team.coordinator, { itemType: "TASK", itemId: task.id, body: `Over to you, @${team.analyst.email.toUpperCase()}.` });
    expect(comment.mentions.map((m) => m.id)).toEqual([team.analyst.id]);
  });

  it("treats comments on an item the user may not see as not found", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "RED");
    for (const actor of [team.coordinator, team.analystOtherAgency, team.liaison, team.admin, team.outsider]) {
      await expect(listComments(actor, "CLUE", clue.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(createComment(actor, { itemType: "CLUE", itemId: clue.id, body: "hi" })).rejects.toBeInstanceOf(NotFoundError);
    }
    const task = await createTask(team.coordinator, team.case.id, { title: "x", assigneeId: team.analyst.id });
    await expect(listComments(team.liaison, "TASK", task.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("lists where a member was mentioned, and stops listing it once the item is out of their sight", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "AMBER", { value: "Radiator under the window" });
    await createComment(team.analyst, { itemType: "CLUE", itemId: clue.id, body: `@${team.coordinator.email} is this the same radiator as in series 3?` });
    const mentions = await listMyMentions(team.coordinator);
    expect(mentions).toHaveLength(1);
    expect(mentions[0]).toMatchObject({ itemType: "CLUE", itemId: clue.id, author: { id: team.analyst.id } });
    expect(mentions[0].excerpt).toContain("same radiator");
    expect(await listMyMentions(team.analystOtherAgency)).toEqual([]);

    // The author makes the clue RED without naming the coordinator: the mention goes with it.
    await updateClue(team.analyst, clue.id, { version: clue.version, handlingCode: "RED" });
    expect(await listMyMentions(team.coordinator)).toEqual([]);
  });
});
