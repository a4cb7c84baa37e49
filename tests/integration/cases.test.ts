import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { getCase, listClueCategories, listTaskforceMembers } from "~/models/cases.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { createTeam } from "../helpers/factories";
import { clueAs, clueWithCode } from "../helpers/workspace";
import { createCase, listCases, updateCase } from "../helpers/edge";

const newCase = (taskforceId: string, reference = `VID-2026-${Math.floor(Math.random() * 1e6)}`) => ({
  taskforceId,
  reference,
  title: "Bedroom series",
  summary: "Series first seen in 2025",
  defaultHandlingCode: "AMBER_STRICT",
  originKind: "REFERRAL",
  originText: "NCMEC CyberTipline report 123456789, platform: ExampleChat",
});

describe("cases", () => {
  it("lets a coordinator open a case in their taskforce, audited and announced", async () => {
    const team = await createTeam();
    const kase = await createCase(team.coordinator, newCase(team.taskforce.id, "vid-2026-0042"));
    expect(kase).toMatchObject({ reference: "VID-2026-0042", status: "OPEN", defaultHandlingCode: "AMBER_STRICT", originKind: "REFERRAL", createdById: team.coordinator.id });
    expect(await prisma.auditEvent.count({ where: { itemId: kase.id, action: "case.create" } })).toBe(1);
    const event = await prisma.roomEvent.findFirstOrThrow({ where: { itemId: kase.id } });
    expect(event).toMatchObject({ type: "case.created", visibility: { taskforceId: team.taskforce.id, taskforceWide: true, excludeLiaisons: true } });
  });

  it("refuses a case from an analyst, in a foreign taskforce, with a duplicate reference or media in its text", async () => {
    const team = await createTeam();
    await expect(createCase(team.analyst, newCase(team.taskforce.id))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createCase(team.outsider, newCase(team.taskforce.id))).rejects.toBeInstanceOf(ValidationError);
    await createCase(team.coordinator, newCase(team.taskforce.id, "VID-DUP-1"));
    const dup = await createCase(team.coordinator, newCase(team.taskforce.id, "VID-DUP-1")).catch((e) => e);
    expect(dup.fields.reference[0]).toMatch(/already exists/);
    const media = await createCase(team.coordinator, { ...newCase(team.taskforce.id), summary: "data:image/png;base64,iVBORw0KGgo=" }).catch((e) => e);
    expect(media.fields.summary[0]).toMatch(/text-only/);
  });

  it("lists and opens cases only for members; never for an admin", async () => {
    const team = await createTeam();
    expect((await listCases(team.analyst)).map((c) => c.id)).toContain(team.case.id);
    expect(await listCases(team.outsider)).toEqual([]);
    expect(await listCases(team.admin)).toEqual([]);
    await expect(getCase(team.outsider, team.case.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getCase(team.admin, team.case.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("counts only the clues the reader may see, per category", async () => {
    const team = await createTeam();
    await clueAs(team.analyst, team.case.id);
    await clueAs(team.analyst, team.case.id, { category: "clothing", value: "Striped shirt" });
    await clueWithCode(team.analyst, team.case.id, "AMBER_STRICT", { category: "clothing", value: "Hidden from agency B" });
    const mine = await getCase(team.analyst, team.case.id);
    expect(mine.clueCounts.map((c) => [c.categoryKey, c.count])).toEqual([["architecture_fixture", 1], ["clothing", 2]]);
    const theirs = await getCase(team.analystOtherAgency, team.case.id);
    expect(theirs.clueCounts.map((c) => [c.categoryKey, c.count])).toEqual([["architecture_fixture", 1], ["clothing", 1]]);
  });

  it("edits with optimistic concurrency", async () => {
    const team = await createTeam();
    const updated = await updateCase(team.coordinator, team.case.id, { version: 1, status: "victim_identified" });
    expect(updated).toMatchObject({ status: "VICTIM_IDENTIFIED", version: 2 });
    const stale = await updateCase(team.coordinator, team.case.id, { version: 1, title: "x" }).catch((e) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale.current).toMatchObject({ version: 2 });
  });

  it("lists the taxonomy and, for members only, the taskforce's members", async () => {
    const team = await createTeam();
    expect((await listClueCategories()).map((c) => c.key)).toContain("architecture_fixture");
    const members = await listTaskforceMembers(team.analyst, team.taskforce.id);
    expect(members.map((m) => m.id).sort()).toEqual([team.analyst.id, team.analystOtherAgency.id, team.coordinator.id, team.liaison.id].sort());
    await expect(listTaskforceMembers(team.outsider, team.taskforce.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
