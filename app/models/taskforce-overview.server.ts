// The coordinator's overview of a taskforce: clues per category, leads by status, overdue tasks per assignee and
// what was recorded each day of the last 30. Every figure is a GROUP BY in SQL over the rows the viewer may see
// (visibleItemsSql, the SQL twin of visibleCluesWhere / visibleLeadsWhere): an item kept from the viewer is not
// counted, so a count never tells of what the viewer may not read.
import { Prisma } from "@prisma/client";
import { hasGrant, isWorkingMember, requirePermission, visibleItemsSql, type Actor } from "~/auth/permissions.server";
import { prisma, readSql } from "~/db.server";
import { utcDay } from "~/utils/dates";
import { ForbiddenError, NotFoundError } from "~/utils/errors.server";
import { LEAD_STATUSES, type LeadStatusInput } from "~/validation/lead";
import { auditRead } from "./changes.server";
import { listMyTaskforces } from "./taskforces.server";

export const ACTIVITY_DAYS = 30;

export interface TaskforceOverview {
  taskforce: { id: string; name: string };
  generatedAt: Date;
  cluesByCategory: { categoryKey: string; label: string; count: number }[];
  leadsByStatus: { status: LeadStatusInput; count: number }[];
  overdueByAssignee: { assigneeId: string; displayName: string; agency: string; count: number }[];
  /** One entry per UTC day, oldest first, the last being today. */
  activity: { day: string; clues: number; leads: number; tasks: number }[];
}

type Count = { count: number };

/** The taskforces whose overview the actor may open (a coordinator's own), or 403 for any other role. */
export async function overviewTaskforces(actor: Actor): Promise<{ id: string; name: string }[]> {
  if (!hasGrant(actor, "taskforce:overview")) throw new ForbiddenError("The taskforce overview is for coordinators.");
  return (await listMyTaskforces(actor)).map(({ id, name }) => ({ id, name }));
}

export async function taskforceOverview(actor: Actor, taskforceId: string, now = new Date()): Promise<TaskforceOverview> {
  requirePermission(actor, "taskforce:overview", { type: "taskforce", taskforceId });
  const taskforce = await prisma.taskforce.findUnique({ where: { id: taskforceId }, select: { id: true, name: true } });
  // An overview is of the taskforce's case work: its working members only (never an administrator).
  if (!taskforce || !isWorkingMember(actor, taskforceId)) throw new NotFoundError("Taskforce not found.");
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (ACTIVITY_DAYS - 1)));
  const perDay = (table: string, visible: Prisma.Sql) =>
    readSql<Count & { day: Date }>(Prisma.sql`
      SELECT date_trunc('day', i."createdAt") AS "day", count(*)::int AS "count" FROM ${Prisma.raw(table)} i
      WHERE i."taskforceId" = ${taskforceId} AND i."createdAt" >= ${since} AND ${visible}
      GROUP BY 1`);
  // A task is seen by those who may see its lead (a task on the case as a whole: every working member).
  const visibleTask = Prisma.sql`(t."leadId" IS NULL OR EXISTS (SELECT 1 FROM "Lead" l WHERE l."id" = t."leadId" AND ${visibleItemsSql(actor, "lead", "l")}))`;
  const [categories, statuses, overdue, clueDays, leadDays, taskDays] = await Promise.all([
    readSql<Count & { categoryKey: string; label: string }>(Prisma.sql`
      SELECT c."categoryKey", k."label", count(*)::int AS "count" FROM "Clue" c JOIN "ClueCategory" k ON k."key" = c."categoryKey"
      WHERE c."taskforceId" = ${taskforceId} AND ${visibleItemsSql(actor, "clue", "c")}
      GROUP BY c."categoryKey", k."label", k."sortOrder" ORDER BY count(*) DESC, k."sortOrder", k."label"`),
    readSql<Count & { status: LeadStatusInput }>(Prisma.sql`
      SELECT l."status"::text AS "status", count(*)::int AS "count" FROM "Lead" l
      WHERE l."taskforceId" = ${taskforceId} AND ${visibleItemsSql(actor, "lead", "l")} GROUP BY 1`),
    readSql<Count & { assigneeId: string; displayName: string; agency: string }>(Prisma.sql`
      SELECT t."assigneeId", u."displayName", u."agency", count(*)::int AS "count" FROM "Task" t JOIN "User" u ON u."id" = t."assigneeId"
      WHERE t."taskforceId" = ${taskforceId} AND t."status" <> 'DONE' AND t."dueDate" < ${now} AND ${visibleTask}
      GROUP BY t."assigneeId", u."displayName", u."agency" ORDER BY count(*) DESC, u."displayName"`),
    perDay(`"Clue"`, visibleItemsSql(actor, "clue", "i")),
    perDay(`"Lead"`, visibleItemsSql(actor, "lead", "i")),
    readSql<Count & { day: Date }>(Prisma.sql`
      SELECT date_trunc('day', t."createdAt") AS "day", count(*)::int AS "count" FROM "Task" t
      WHERE t."taskforceId" = ${taskforceId} AND t."createdAt" >= ${since} AND ${visibleTask} GROUP BY 1`),
  ]);
  const byDay = (rows: (Count & { day: Date })[]) => new Map(rows.map((row) => [utcDay(new Date(row.day)), row.count]));
  const [clues, leads, tasks] = [byDay(clueDays), byDay(leadDays), byDay(taskDays)];
  const activity = Array.from({ length: ACTIVITY_DAYS }, (_, index) => {
    const day = utcDay(new Date(since.getTime() + index * 86_400_000));
    return { day, clues: clues.get(day) ?? 0, leads: leads.get(day) ?? 0, tasks: tasks.get(day) ?? 0 };
  });
  const statusCounts = new Map(statuses.map((row) => [row.status, row.count]));
  await auditRead(actor, { action: "taskforce.overview", itemType: "TASKFORCE", itemId: taskforceId, taskforceId });
  return {
    taskforce,
    generatedAt: now,
    cluesByCategory: categories,
    leadsByStatus: LEAD_STATUSES.map((status) => ({ status, count: statusCounts.get(status) ?? 0 })),
    overdueByAssignee: overdue,
    activity,
  };
}
