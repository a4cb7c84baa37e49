// Tasks: a coordinator assigns work on a case or a lead to a member; the assignee moves it through
// to do / doing / blocked / done. A task on a lead is seen only by those who may see the lead.
import type { Task } from "@prisma/client";
import {
  canSee,
  canSeeItem,
  checkAssignee,
  hasGrant,
  isWorkingMember,
  itemVisibility,
  requirePermission,
  requireTaskChange,
  taskEventVisibility,
  type Actor,
  type ItemVisibility,
} from "~/auth/permissions.server";
import { prisma, type Tx } from "~/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { jsonSafe, type Jsonified } from "~/utils/json";
import { TASK_STATUSES, type CreateTaskInput, type TaskBoardQuery, type TaskStatusInput, type UpdateTaskInput } from "~/validation/task";
import { loadVisibleCase, type VisibleCase } from "./cases.server";
import { auditRead, createdItemOf, staleMessage, writeChange, writeCreate, type ChangeContext, type CreateOptions } from "./changes.server";
import { screenEncodedFragments } from "./encoded-fragments.server";
import { excerpt } from "~/utils/notice-text";
import { notify } from "./notifications.server";
import { userRefOf, userRefs, type UserRef } from "./users.server";

export interface TaskView extends Task {
  assignee: UserRef | null;
  createdBy: UserRef | null;
  caseReference: string;
  caseTitle: string;
  leadTitle: string | null;
  overdue: boolean;
}

export interface TaskBoard {
  statuses: readonly TaskStatusInput[];
  /** One lane per assignee, those with overdue work first; within each status, overdue tasks first. */
  lanes: { assignee: UserRef; overdueCount: number; byStatus: Record<TaskStatusInput, TaskView[]> }[];
  /** Every task on the board in board order (overdue first, then by due date). */
  tasks: TaskView[];
}

const taskInclude = { case: { select: { reference: true, title: true } } } as const;
type TaskRow = Task & { case: { reference: string; title: string } };

async function leadVisibilityOf(leadId: string | null, client: Tx | typeof prisma = prisma): Promise<(ItemVisibility & { title: string }) | null> {
  if (!leadId) return null;
  const lead = await client.lead.findUnique({ where: { id: leadId }, include: { recipients: { select: { userId: true } } } });
  return lead ? { ...itemVisibility(lead), title: lead.title } : null;
}

function taskResource(task: Pick<Task, "taskforceId" | "assigneeId" | "createdById">, lead: ItemVisibility | null) {
  return { type: "task" as const, taskforceId: task.taskforceId, assigneeId: task.assigneeId, createdById: task.createdById, lead };
}

async function toTaskViews(rows: TaskRow[], client: Tx | typeof prisma = prisma, now = new Date()): Promise<TaskView[]> {
  const users = await userRefs(rows.flatMap((row) => [row.assigneeId, row.createdById]), client);
  const leadIds = [...new Set(rows.map((row) => row.leadId).filter((id): id is string => Boolean(id)))];
  const leads = leadIds.length ? await client.lead.findMany({ where: { id: { in: leadIds } }, select: { id: true, title: true } }) : [];
  const leadTitles = new Map(leads.map((lead) => [lead.id, lead.title]));
  return rows.map(({ case: kase, ...task }) => ({
    ...task,
    assignee: userRefOf(users, task.assigneeId),
    createdBy: userRefOf(users, task.createdById),
    caseReference: kase.reference,
    caseTitle: kase.title,
    leadTitle: task.leadId ? (leadTitles.get(task.leadId) ?? null) : null,
    overdue: isOverdue(task, now),
  }));
}

/** Keeps only the tasks whose lead (if any) the actor may still see. */
async function filterVisibleTasks(actor: Actor, rows: TaskRow[]): Promise<TaskRow[]> {
  const leadIds = [...new Set(rows.flatMap((row) => (row.leadId ? [row.leadId] : [])))];
  const leads = leadIds.length ? await prisma.lead.findMany({ where: { id: { in: leadIds } }, include: { recipients: { select: { userId: true } } } }) : [];
  const leadById = new Map(leads.map((lead) => [lead.id, itemVisibility(lead)]));
  return rows.filter((row) => {
    const lead = row.leadId ? leadById.get(row.leadId) : null;
    return (!row.leadId || lead) && canSee(actor, taskResource(row, lead ?? null));
  });
}

/** Overdue first, then by due date (undated last), then oldest first. */
function boardOrder(a: TaskView, b: TaskView): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  const dueA = a.dueDate?.getTime() ?? Number.POSITIVE_INFINITY;
  const dueB = b.dueDate?.getTime() ?? Number.POSITIVE_INFINITY;
  if (dueA !== dueB) return dueA - dueB;
  return a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);
}

export function isOverdue(task: { dueDate: Date | null; status: string }, now = new Date()): boolean {
  return task.status !== "DONE" && task.dueDate !== null && task.dueDate.getTime() < now.getTime();
}

function toDate(value: string | null | undefined): Date | null | undefined {
  return value === undefined ? undefined : value === null ? null : new Date(value);
}

export async function createTask(actor: Actor, caseId: string, data: CreateTaskInput, options: CreateOptions = {}): Promise<Jsonified<TaskView>> {
  const kase = await loadVisibleCase(actor, caseId);
  let lead: (ItemVisibility & { title: string }) | null = null;
  if (data.leadId) {
    const found = await prisma.lead.findUnique({ where: { id: data.leadId }, include: { recipients: { select: { userId: true } } } });
    if (!found || found.caseId !== caseId || !canSeeItem(actor, itemVisibility(found))) throw new ValidationError({ leadId: ["That lead was not found in this case."] });
    lead = { ...itemVisibility(found), title: found.title };
  }
  requirePermission(actor, "task:assign", taskResource({ taskforceId: kase.taskforceId, assigneeId: data.assigneeId, createdById: actor.id }, lead));
  await checkAssignee(data.assigneeId, kase.taskforceId, lead);
  const write = async (ctx: ChangeContext) => {
    screenEncodedFragments(actor, { title: data.title, description: data.description }, { itemType: "TASK", caseId, taskforceId: kase.taskforceId });
    const created = await ctx.tx.task.create({
      data: {
        caseId,
        taskforceId: kase.taskforceId,
        leadId: data.leadId ?? null,
        title: data.title,
        description: data.description,
        assigneeId: data.assigneeId,
        createdById: actor.id,
        dueDate: toDate(data.dueDate) ?? null,
      },
      include: taskInclude,
    });
    const view = jsonSafe((await toTaskViews([created], ctx.tx))[0]);
    await ctx.audit({ action: "task.assign", itemType: "TASK", itemId: created.id, taskforceId: created.taskforceId, caseId, details: { assigneeId: created.assigneeId } });
    await ctx.event({ taskforceId: created.taskforceId, type: "task.assigned", itemType: "TASK", itemId: created.id, visibility: taskEventVisibility(created.taskforceId, lead), payload: view });
    await notify(ctx, { userIds: [created.assigneeId] }, { kind: "task.assigned", about: taskResource(created, lead), itemType: "TASK", itemId: created.id, text: `${actor.displayName} assigned you "${excerpt(created.title)}"` });
    return view;
  };
  return writeCreate(actor, options, { type: "task.assigned" }, write, createdItemOf<Jsonified<TaskView>>);
}

async function loadVisibleTask(actor: Actor, taskId: string) {
  const row = await prisma.task.findUnique({ where: { id: taskId }, include: taskInclude });
  const lead = row ? await leadVisibilityOf(row.leadId) : null;
  if (!row || !canSee(actor, taskResource(row, lead))) throw new NotFoundError("Task not found.");
  return { row, lead };
}

export async function getTask(actor: Actor, taskId: string): Promise<TaskView> {
  const { row, lead } = await loadVisibleTask(actor, taskId);
  requirePermission(actor, "task:read", taskResource(row, lead));
  await auditRead(actor, { action: "task.read", itemType: "TASK", itemId: taskId, taskforceId: row.taskforceId, caseId: row.caseId });
  return (await toTaskViews([row]))[0];
}

export async function updateTask(actor: Actor, taskId: string, data: UpdateTaskInput): Promise<TaskView> {
  const { row: current, lead } = await loadVisibleTask(actor, taskId);
  requireTaskChange(actor, taskResource(current, lead), {
    details: data.title !== undefined || data.description !== undefined || data.assigneeId !== undefined || data.dueDate !== undefined,
    status: data.status !== undefined || data.blockedReason !== undefined,
  });
  if (data.version !== current.version) {
    throw new ConflictError(staleMessage("task", data.version, current.version), jsonSafe((await toTaskViews([current]))[0]));
  }
  if (data.assigneeId && data.assigneeId !== current.assigneeId) await checkAssignee(data.assigneeId, current.taskforceId, lead);
  const status = data.status ?? current.status;
  const blockedReason = status === "BLOCKED" ? (data.blockedReason ?? current.blockedReason) : "";
  if (status === "BLOCKED" && !blockedReason) throw new ValidationError({ blockedReason: ["Say what the task is blocked on."] });

  return writeChange(actor, async (ctx) => {
    screenEncodedFragments(actor, { title: data.title, description: data.description, blockedReason: data.blockedReason }, { itemType: "TASK", itemId: taskId, caseId: current.caseId, taskforceId: current.taskforceId });
    const { count } = await ctx.tx.task.updateMany({
      where: { id: taskId, version: data.version },
      data: {
        title: data.title,
        description: data.description,
        assigneeId: data.assigneeId,
        dueDate: toDate(data.dueDate),
        status,
        blockedReason,
        version: { increment: 1 },
      },
    });
    if (count === 0) {
      const now = await ctx.tx.task.findUniqueOrThrow({ where: { id: taskId }, include: taskInclude });
      throw new ConflictError(staleMessage("task", data.version, now.version), jsonSafe((await toTaskViews([now], ctx.tx))[0]));
    }
    const updated = await ctx.tx.task.findUniqueOrThrow({ where: { id: taskId }, include: taskInclude });
    const view = (await toTaskViews([updated], ctx.tx))[0];
    await ctx.audit({
      action: "task.update",
      itemType: "TASK",
      itemId: taskId,
      taskforceId: updated.taskforceId,
      caseId: updated.caseId,
      details: { version: updated.version, from: current.status, status, assigneeId: updated.assigneeId },
    });
    await ctx.event({ taskforceId: updated.taskforceId, type: "task.updated", itemType: "TASK", itemId: taskId, visibility: taskEventVisibility(updated.taskforceId, lead), payload: view });
    if (updated.assigneeId !== current.assigneeId) await notify(ctx, { userIds: [updated.assigneeId] }, { kind: "task.assigned", about: taskResource(updated, lead), itemType: "TASK", itemId: taskId, text: `${actor.displayName} assigned you "${excerpt(updated.title)}"` });
    return view;
  });
}

/** The actor's own open and finished tasks, overdue first. */
export async function listMyTasks(actor: Actor): Promise<TaskView[]> {
  if (!hasGrant(actor, "task:read") || actor.taskforceIds.size === 0) return [];
  const rows = await prisma.task.findMany({
    where: { assigneeId: actor.id, taskforceId: { in: [...actor.taskforceIds] } },
    include: taskInclude,
    orderBy: [{ dueDate: { sort: "asc", nulls: "last" } }, { createdAt: "asc" }],
  });
  const tasks = (await toTaskViews(await filterVisibleTasks(actor, rows))).sort(
    (a, b) => Number(a.status === "DONE") - Number(b.status === "DONE") || boardOrder(a, b),
  );
  await auditRead(actor, { action: "task.list_mine", details: { count: tasks.length } });
  return tasks;
}

/** The coordinator's board: tasks by assignee and status, overdue first. */
export async function taskBoard(actor: Actor, query: TaskBoardQuery = {}): Promise<TaskBoard> {
  const { taskforceId, caseId, assigneeId, overdue } = query;
  let taskforceIds = [...actor.taskforceIds];
  if (caseId) {
    const kase = await loadVisibleCase(actor, caseId);
    taskforceIds = [kase.taskforceId];
  }
  if (taskforceId) {
    if (!isWorkingMember(actor, taskforceId)) throw new NotFoundError("Taskforce not found.");
    taskforceIds = taskforceIds.filter((id) => id === taskforceId);
  }
  for (const id of taskforceIds) requirePermission(actor, "task:assign", { type: "case", taskforceId: id });
  const rows = await prisma.task.findMany({
    where: {
      taskforceId: { in: taskforceIds },
      ...(caseId ? { caseId } : {}),
      ...(assigneeId ? { assigneeId } : {}),
      ...(overdue ? { status: { not: "DONE" as const }, dueDate: { lt: new Date() } } : {}),
    },
    include: taskInclude,
  });
  const tasks = (await toTaskViews(await filterVisibleTasks(actor, rows))).sort(boardOrder);
  const lanes = new Map<string, TaskBoard["lanes"][number]>();
  for (const task of tasks) {
    let lane = lanes.get(task.assigneeId);
    if (!lane) {
      lane = { assignee: task.assignee!, overdueCount: 0, byStatus: { TODO: [], DOING: [], BLOCKED: [], DONE: [] } };
      lanes.set(task.assigneeId, lane);
    }
    lane.byStatus[task.status].push(task);
    if (task.overdue) lane.overdueCount += 1;
  }
  await auditRead(actor, { action: "task.board", taskforceId: taskforceId ?? null, caseId: caseId ?? null, details: { count: tasks.length, assigneeId: assigneeId ?? null, overdue: overdue ?? false } });
  return {
    statuses: TASK_STATUSES,
    lanes: [...lanes.values()].sort((a, b) => b.overdueCount - a.overdueCount || a.assignee.displayName.localeCompare(b.assignee.displayName)),
    tasks,
  };
}

/** The tasks of one case the actor may see, in board order. */
export async function listTasks(actor: Actor, caseId: string): Promise<TaskView[]> {
  const kase = await loadVisibleCase(actor, caseId);
  const tasks = await tasksOfCase(actor, kase);
  await auditRead(actor, { action: "task.list", itemType: "CASE", itemId: caseId, taskforceId: kase.taskforceId, caseId, details: { count: tasks.length } });
  return tasks;
}

/** The case's tasks the actor may see, in board order (none for liaisons). For callers that made the case's entry check. */
export async function tasksOfCase(actor: Actor, kase: VisibleCase): Promise<TaskView[]> {
  if (!hasGrant(actor, "task:read")) return [];
  const rows = await prisma.task.findMany({ where: { caseId: kase.id }, include: taskInclude });
  return (await toTaskViews(await filterVisibleTasks(actor, rows))).sort(boardOrder);
}

/** For comments: the task as a permission resource plus who hears about it, or NotFoundError. */
export async function loadTaskForComments(actor: Actor, taskId: string) {
  const { row, lead } = await loadVisibleTask(actor, taskId);
  return {
    row,
    resource: taskResource(row, lead),
    eventVisibility: taskEventVisibility(row.taskforceId, lead),
    canBeSeenBy: (member: Actor) => canSee(member, taskResource(row, lead)),
  };
}

/** The tasks on one lead the actor may see, in board order (none for liaisons). For callers that made the lead's entry check. */
export async function tasksOfLead(actor: Actor, leadId: string): Promise<TaskView[]> {
  if (!hasGrant(actor, "task:read")) return [];
  const rows = await prisma.task.findMany({ where: { leadId }, include: taskInclude });
  return (await toTaskViews(await filterVisibleTasks(actor, rows))).sort(boardOrder);
}
