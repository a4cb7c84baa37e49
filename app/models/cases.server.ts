// Cases: a taskforce's investigations. Members read them; coordinators open and edit them.
import type { Case } from "@prisma/client";
import { canSee, hasGrant, requirePermission, visibleCasesWhere, visibleCluesWhere, type Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { parseInput } from "~/utils/forms.server";
import { caseFiltersSchema, createCaseSchema, updateCaseSchema, type CaseFilters, type CreateCaseInput, type UpdateCaseInput } from "~/validation/case";
import {
  auditRead,
  diffFields,
  isUniqueViolation,
  jsonSafe,
  loadVisibleCase,
  staleMessage,
  taskforceWide,
  userSummaries,
  writeChange,
  type UserSummary,
} from "./workspace.server";

export type CaseRow = Case & { taskforceName: string };

export interface CaseDetail extends CaseRow {
  /** Clues the actor may see, counted per category (hidden clues are not counted). */
  clueCounts: { categoryKey: string; label: string; count: number }[];
  clueCount: number;
}

export async function listCases(actor: Actor, filters: Partial<CaseFilters> = {}): Promise<CaseRow[]> {
  const { taskforceId, status } = parseInput(caseFiltersSchema, filters);
  if (!hasGrant(actor, "case:read")) return [];
  const cases = await prisma.case.findMany({
    where: { AND: [visibleCasesWhere(actor), taskforceId ? { taskforceId } : {}, status ? { status } : {}] },
    include: { taskforce: { select: { name: true } } },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
  });
  await auditRead(actor, { action: "case.list", taskforceId: taskforceId ?? null, details: { count: cases.length } });
  return cases.map(({ taskforce, ...kase }) => ({ ...kase, taskforceName: taskforce.name }));
}

export async function getCase(actor: Actor, caseId: string): Promise<CaseDetail> {
  const kase = await loadVisibleCase(actor, caseId);
  requirePermission(actor, "case:read", { type: "case", taskforceId: kase.taskforceId });
  const [taskforce, counts, categories] = await Promise.all([
    prisma.taskforce.findUniqueOrThrow({ where: { id: kase.taskforceId }, select: { name: true } }),
    prisma.clue.groupBy({ by: ["categoryKey"], where: { AND: [visibleCluesWhere(actor), { caseId }] }, _count: { _all: true } }),
    prisma.clueCategory.findMany({ orderBy: [{ sortOrder: "asc" }, { key: "asc" }] }),
  ]);
  const countByKey = new Map(counts.map((row) => [row.categoryKey, row._count._all]));
  const clueCounts = categories
    .filter((category) => countByKey.has(category.key))
    .map((category) => ({ categoryKey: category.key, label: category.label, count: countByKey.get(category.key) ?? 0 }));
  await auditRead(actor, { action: "case.read", itemType: "CASE", itemId: kase.id, taskforceId: kase.taskforceId, caseId: kase.id });
  return { ...kase, taskforceName: taskforce.name, clueCounts, clueCount: clueCounts.reduce((sum, row) => sum + row.count, 0) };
}

export async function createCase(actor: Actor, input: unknown): Promise<Case> {
  const data: CreateCaseInput = parseInput(createCaseSchema, input);
  if (!canSee(actor, { type: "taskforce", taskforceId: data.taskforceId }) || actor.role === "ADMIN") {
    throw new ValidationError({ taskforceId: ["Choose a taskforce you are a member of."] });
  }
  requirePermission(actor, "case:create", { type: "case", taskforceId: data.taskforceId });
  try {
    return await writeChange(actor, async ({ tx, audit, event }) => {
      const kase = await tx.case.create({ data: { ...data, createdById: actor.id } });
      await audit({ action: "case.create", itemType: "CASE", itemId: kase.id, taskforceId: kase.taskforceId, caseId: kase.id, details: { reference: kase.reference } });
      await event({ taskforceId: kase.taskforceId, type: "case.created", itemType: "CASE", itemId: kase.id, visibility: taskforceWide(kase.taskforceId), payload: jsonSafe(kase) });
      return kase;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ValidationError({ reference: ["A case with this reference already exists."] });
    throw error;
  }
}

/** The case as its edit form needs it: only for those who may change it (others: not found or forbidden). */
export async function getCaseForEdit(actor: Actor, caseId: string) {
  const kase = await loadVisibleCase(actor, caseId);
  requirePermission(actor, "case:update", { type: "case", taskforceId: kase.taskforceId });
  await auditRead(actor, { action: "case.read", itemType: "CASE", itemId: kase.id, taskforceId: kase.taskforceId, caseId: kase.id, details: { for: "edit" } });
  const { id, reference, version, title, summary, originKind, originText, status, defaultHandlingCode } = kase;
  return { id, reference, version, title, summary, originKind, originText, status, defaultHandlingCode };
}

export async function updateCase(actor: Actor, caseId: string, input: unknown): Promise<Case> {
  const { version, ...changes }: UpdateCaseInput = parseInput(updateCaseSchema, input);
  const kase = await loadVisibleCase(actor, caseId);
  requirePermission(actor, "case:update", { type: "case", taskforceId: kase.taskforceId });
  return writeChange(actor, async ({ tx, audit, event }) => {
    const { count } = await tx.case.updateMany({ where: { id: caseId, version }, data: { ...changes, version: { increment: 1 } } });
    if (count === 0) {
      const current = await tx.case.findUniqueOrThrow({ where: { id: caseId } });
      throw new ConflictError(staleMessage("case", version, current.version), jsonSafe(current));
    }
    const updated = await tx.case.findUniqueOrThrow({ where: { id: caseId } });
    await audit({
      action: "case.update",
      itemType: "CASE",
      itemId: caseId,
      taskforceId: kase.taskforceId,
      caseId,
      details: { version: updated.version, changes: diffFields(kase, changes) },
    });
    await event({ taskforceId: kase.taskforceId, type: "case.updated", itemType: "CASE", itemId: caseId, visibility: taskforceWide(kase.taskforceId), payload: jsonSafe(updated) });
    return updated;
  });
}

/** The clue taxonomy (active categories, in display order). Not case data: no audit. */
export async function listClueCategories() {
  return prisma.clueCategory.findMany({ where: { active: true }, orderBy: [{ sortOrder: "asc" }, { key: "asc" }] });
}

/** Active members of a taskforce, for assignee and recipient pickers; only members may list them. */
export async function listTaskforceMembers(actor: Actor, taskforceId: string): Promise<UserSummary[]> {
  if (actor.status !== "ACTIVE" || actor.role === "ADMIN" || !actor.taskforceIds.has(taskforceId)) throw new NotFoundError("Taskforce not found.");
  const members = await prisma.taskforceMember.findMany({
    where: { taskforceId, user: { status: "ACTIVE" } },
    select: { userId: true },
  });
  const users = await userSummaries(members.map((member) => member.userId));
  return [...users.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
}
