// Cases: a taskforce's investigations. Members read them; coordinators open and edit them.
import { Prisma, type Case } from "@prisma/client";
import { canSee, hasGrant, isWorkingMember, mayHoldWork, requirePermission, taskforceWide, visibleCasesWhere, visibleCluesWhere, type Actor } from "~/auth/permissions.server";
import { prisma, readSql, type Tx } from "~/db.server";
import { isUniqueViolation } from "~/db/errors.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { jsonSafe, type Jsonified } from "~/utils/json";
import type { CaseFilters, CreateCaseInput, UpdateCaseInput } from "~/validation/case";
import { auditRead, createdItemOf, diffFields, staleMessage, writeChange, writeCreate, type CreateOptions } from "./changes.server";
import { userRefs, type UserRef } from "./users.server";

export type CaseRow = Case & { taskforceName: string };

export interface CaseDetail extends CaseRow {
  /** Clues the actor may see, counted per category (hidden clues are not counted). */
  clueCounts: { categoryKey: string; label: string; count: number }[];
  clueCount: number;
}

declare const entryChecked: unique symbol;
/** A case that passed the entry check (a type-only mark): what the readers of a case's contents take. */
export type VisibleCase = Case & { readonly [entryChecked]: true };

/** A case the actor may open, or NotFoundError: the one entry check of everything inside a case. */
export async function loadVisibleCase(actor: Actor, caseId: string, client?: Tx): Promise<VisibleCase> {
  const kase = client ? await client.case.findUnique({ where: { id: caseId } }) : await readCase(caseId);
  if (!kase || !canSee(actor, { type: "case", taskforceId: kase.taskforceId })) throw new NotFoundError("Case not found.");
  return kase as VisibleCase;
}

// Plain SQL (decision 011): every read inside a case starts here, outside a transaction.
async function readCase(caseId: string): Promise<Case | undefined> {
  const [kase] = await readSql<Case>(Prisma.sql`
    SELECT "id", "taskforceId", "reference", "title", "summary", "status"::text AS "status",
      "defaultHandlingCode"::text AS "defaultHandlingCode", "originKind", "originText", "createdById", "version",
      "createdAt" AT TIME ZONE 'UTC' AS "createdAt", "updatedAt" AT TIME ZONE 'UTC' AS "updatedAt",
      "lastChangeAt" AT TIME ZONE 'UTC' AS "lastChangeAt"
    FROM "Case" WHERE "id" = ${caseId}`);
  return kase;
}

export async function listCases(actor: Actor, filters: CaseFilters = {}): Promise<CaseRow[]> {
  const { taskforceId, status } = filters;
  if (!hasGrant(actor, "case:read")) return [];
  const cases = await prisma.case.findMany({
    where: { AND: [visibleCasesWhere(actor), taskforceId ? { taskforceId } : {}, status ? { status } : {}] },
    include: { taskforce: { select: { name: true } } },
    orderBy: [{ lastChangeAt: "desc" }, { id: "desc" }],
  });
  await auditRead(actor, { action: "case.list", taskforceId: taskforceId ?? null, details: { count: cases.length } });
  return cases.map(({ taskforce, ...kase }) => ({ ...kase, taskforceName: taskforce.name }));
}

/** The case with its taskforce's name. For callers that made the case's entry check. */
export async function getCaseHeader(kase: VisibleCase): Promise<CaseRow> {
  const taskforce = await prisma.taskforce.findUniqueOrThrow({ where: { id: kase.taskforceId }, select: { name: true } });
  return { ...kase, taskforceName: taskforce.name };
}

export async function getCase(actor: Actor, caseId: string): Promise<CaseDetail> {
  const kase = await loadVisibleCase(actor, caseId);
  requirePermission(actor, "case:read", { type: "case", taskforceId: kase.taskforceId });
  const [header, counts, categories] = await Promise.all([
    getCaseHeader(kase),
    prisma.clue.groupBy({ by: ["categoryKey"], where: { AND: [visibleCluesWhere(actor), { caseId }] }, _count: { _all: true } }),
    prisma.clueCategory.findMany({ orderBy: [{ sortOrder: "asc" }, { key: "asc" }] }),
  ]);
  const countByKey = new Map(counts.map((row) => [row.categoryKey, row._count._all]));
  const clueCounts = categories
    .filter((category) => countByKey.has(category.key))
    .map((category) => ({ categoryKey: category.key, label: category.label, count: countByKey.get(category.key) ?? 0 }));
  await auditRead(actor, { action: "case.read", itemType: "CASE", itemId: kase.id, taskforceId: kase.taskforceId, caseId: kase.id });
  return { ...header, clueCounts, clueCount: clueCounts.reduce((sum, row) => sum + row.count, 0) };
}

export async function createCase(actor: Actor, data: CreateCaseInput, options: CreateOptions = {}): Promise<Jsonified<Case>> {
  if (!isWorkingMember(actor, data.taskforceId)) throw new ValidationError({ taskforceId: ["Choose a taskforce you are a member of."] });
  requirePermission(actor, "case:create", { type: "case", taskforceId: data.taskforceId });
  try {
    return await writeCreate(
      actor,
      options,
      { type: "case.created" },
      async ({ tx, audit, event }) => {
        const kase = jsonSafe(await tx.case.create({ data: { ...data, createdById: actor.id } }));
        await audit({ action: "case.create", itemType: "CASE", itemId: kase.id, taskforceId: kase.taskforceId, caseId: kase.id, details: { reference: kase.reference } });
        await event({ taskforceId: kase.taskforceId, type: "case.created", itemType: "CASE", itemId: kase.id, visibility: taskforceWide(kase.taskforceId), payload: kase });
        return kase;
      },
      createdItemOf<Jsonified<Case>>,
    );
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

export async function updateCase(actor: Actor, caseId: string, input: UpdateCaseInput): Promise<Case> {
  const { version, ...changes } = input;
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
export async function listTaskforceMembers(actor: Actor, taskforceId: string): Promise<UserRef[]> {
  if (!isWorkingMember(actor, taskforceId)) throw new NotFoundError("Taskforce not found.");
  const members = await prisma.taskforceMember.findMany({
    where: { taskforceId, user: { status: "ACTIVE" } },
    select: { userId: true },
  });
  const users = await userRefs(members.map((member) => member.userId));
  return [...users.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** The members who may own leads and be assigned tasks (not liaisons), for owner, assignee and author pickers. */
export async function listAssignableMembers(actor: Actor, taskforceId: string): Promise<UserRef[]> {
  return (await listTaskforceMembers(actor, taskforceId)).filter(mayHoldWork);
}
