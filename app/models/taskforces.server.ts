// Taskforces and their members (need-to-know): an administrator creates them and decides who is in them.
// Removing a member ends their live access to the room at once.
import { ADMINISTRATION, requirePermission, workingTaskforceIds, type Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { isUniqueViolation } from "~/db/errors.server";
import { appendAudit } from "~/models/audit.server";
import { announceAccessChange } from "~/auth/access-changes.server";
import { revokeRealtimeAccess } from "~/models/rooms.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import type { MembershipInput, NewTaskforceInput } from "~/validation/accounts";

export interface TaskforceSummary {
  id: string;
  name: string;
  description: string;
  createdAt: Date;
  caseCount: number;
  members: { id: string; email: string; displayName: string; agency: string; role: string; status: string }[];
}

function requireTaskforceManager(actor: Actor) {
  requirePermission(actor, "taskforce:manage", ADMINISTRATION);
}

export async function listTaskforces(actor: Actor): Promise<TaskforceSummary[]> {
  requireTaskforceManager(actor);
  const rows = await prisma.taskforce.findMany({
    orderBy: { name: "asc" },
    include: {
      _count: { select: { cases: true } },
      members: {
        orderBy: { addedAt: "asc" },
        include: { user: { select: { id: true, email: true, displayName: true, agency: true, role: true, status: true } } },
      },
    },
  });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.createdAt,
    caseCount: row._count.cases,
    members: row.members.map((member) => member.user),
  }));
}

export async function createTaskforce(actor: Actor, { name, description }: NewTaskforceInput) {
  requireTaskforceManager(actor);
  const duplicate = () => new ValidationError({ name: ["There is already a taskforce with this name."] });
  if (await prisma.taskforce.findUnique({ where: { name }, select: { id: true } })) throw duplicate();
  try {
    return await prisma.$transaction(async (tx) => {
      const taskforce = await tx.taskforce.create({ data: { name, description } });
      await appendAudit(tx, {
        actor,
        action: "taskforce.create",
        itemType: "TASKFORCE",
        itemId: taskforce.id,
        taskforceId: taskforce.id,
        details: { name },
        origin: actor.origin,
      });
      return taskforce;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate(); // a concurrent create won the race
    throw error;
  }
}

/** Adds the user with this email to the taskforce; adding someone already in it changes nothing. */
export async function addTaskforceMember(actor: Actor, { taskforceId, email }: MembershipInput) {
  requireTaskforceManager(actor);
  const outcome = await prisma.$transaction(async (tx) => {
    const taskforce = await tx.taskforce.findUnique({ where: { id: taskforceId }, select: { id: true } });
    if (!taskforce) throw new NotFoundError("There is no such taskforce.");
    const user = await tx.user.findUnique({ where: { email }, select: { id: true, email: true } });
    if (!user) throw new ValidationError({ email: ["There is no account with this email address."] });
    const existing = await tx.taskforceMember.findUnique({ where: { taskforceId_userId: { taskforceId, userId: user.id } } });
    if (existing) return { added: false, userId: user.id };
    await tx.taskforceMember.create({ data: { taskforceId, userId: user.id } });
    await appendAudit(tx, {
      actor,
      action: "taskforce.member_add",
      itemType: "TASKFORCE",
      itemId: taskforceId,
      taskforceId,
      details: { userId: user.id, email: user.email },
      origin: actor.origin,
    });
    return { added: true, userId: user.id };
  });
  // Their API grant held the old list of taskforces: it is read again on their next request.
  if (outcome.added) announceAccessChange({ userId: outcome.userId });
  return { added: outcome.added };
}

/** Removes a member; after commit their sockets leave the room. Removing a non-member changes nothing. */
export async function removeTaskforceMember(actor: Actor, input: { taskforceId: string; userId: string }) {
  requireTaskforceManager(actor);
  const { taskforceId, userId } = input;
  const removed = await prisma.$transaction(async (tx) => {
    const deleted = await tx.taskforceMember.deleteMany({ where: { taskforceId, userId } });
    if (deleted.count === 0) return false;
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
    await appendAudit(tx, {
      actor,
      action: "taskforce.member_remove",
      itemType: "TASKFORCE",
      itemId: taskforceId,
      taskforceId,
      details: { userId, email: user?.email ?? null },
      origin: actor.origin,
    });
    return true;
  });
  if (removed) revokeRealtimeAccess({ userId, taskforceId, reason: "removed_from_taskforce" });
  return { removed };
}

/** The taskforces this actor works in (never an admin's: they manage taskforces, they do not work cases). */
export async function listMyTaskforces(actor: Actor): Promise<{ id: string; name: string; description: string; lastEventSeq: number }[]> {
  const taskforceIds = workingTaskforceIds(actor);
  if (taskforceIds.length === 0) return [];
  return prisma.taskforce.findMany({
    where: { id: { in: taskforceIds } },
    select: { id: true, name: true, description: true, lastEventSeq: true },
    orderBy: { name: "asc" },
  });
}
