// Helpers the case-workspace models share: loading what an actor may see, member lookups, writing a change
// with its audit record and room events in one transaction, and optimistic-concurrency refusals.
import { Prisma, type HandlingCode } from "@prisma/client";
import { canSee, canSeeItem, loadActor, type Actor, type ItemVisibility } from "~/auth/permissions.server";
import { prisma, type Tx } from "~/db.server";
import { appendAudit, recordAudit, type AuditEntry } from "~/models/audit.server";
import { announceRoomEvents, appendRoomEvent, type EventVisibility, type NewRoomEvent, type StoredRoomEvent } from "~/models/rooms.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { HANDLING_CODE_LABELS } from "~/validation/common";

export interface UserSummary {
  id: string;
  displayName: string;
  email: string;
  agency: string;
  role: string;
}

const userSummarySelect = { id: true, displayName: true, email: true, agency: true, role: true } as const;

/** Display names for ids (authors, editors, assignees); unknown ids are left out. */
export async function userSummaries(ids: Iterable<string>, client: Tx | typeof prisma = prisma): Promise<Map<string, UserSummary>> {
  const unique = [...new Set(ids)].filter(Boolean);
  if (unique.length === 0) return new Map();
  const users = await client.user.findMany({ where: { id: { in: unique } }, select: userSummarySelect });
  return new Map(users.map((user) => [user.id, user]));
}

export function summaryOf(users: Map<string, UserSummary>, id: string | null | undefined): UserSummary | null {
  if (!id) return null;
  return users.get(id) ?? { id, displayName: "Unknown user", email: "", agency: "", role: "" };
}

/** A case the actor may open, or NotFoundError. */
export async function loadVisibleCase(actor: Actor, caseId: string, client: Tx | typeof prisma = prisma) {
  const kase = await client.case.findUnique({ where: { id: caseId } });
  if (!kase || !canSee(actor, { type: "case", taskforceId: kase.taskforceId })) throw new NotFoundError("Case not found.");
  return kase;
}

/** The actor a member of the taskforce would be (for "may this member see it?"), or null when not an active member. */
export async function loadMemberActor(taskforceId: string, userId: string): Promise<Actor | null> {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user || user.status !== "ACTIVE") return null;
  const actor = await loadActor(user);
  return actor.taskforceIds.has(taskforceId) ? actor : null;
}

/**
 * Checks the members named on a RED item: each must be an active member who could see it. Returns the
 * de-duplicated ids without the author. Named recipients only make sense for RED.
 */
export async function checkRecipients(
  field: string,
  recipientIds: readonly string[],
  visibility: Omit<ItemVisibility, "recipientIds">,
): Promise<string[]> {
  const ids = [...new Set(recipientIds)].filter((id) => id !== visibility.authorId);
  if (ids.length === 0) return [];
  if (visibility.handlingCode !== "RED") {
    throw new ValidationError({ [field]: ["Named recipients apply only to TLP:RED items; clear them or choose TLP:RED."] });
  }
  const problems: string[] = [];
  for (const id of ids) {
    const member = await loadMemberActor(visibility.taskforceId, id);
    if (!member || !canSeeItem(member, { ...visibility, recipientIds: ids })) problems.push(`${id} is not an active member of this taskforce who can be named.`);
  }
  if (problems.length) throw new ValidationError({ [field]: problems });
  return ids;
}

/** Does naming these members let anyone see the item who could not see it before (like lowering its code)? */
export async function namesNewReaders(before: ItemVisibility, recipientIds: readonly string[]): Promise<boolean> {
  for (const id of recipientIds) {
    if (id === before.authorId || before.recipientIds.includes(id)) continue;
    const member = await loadMemberActor(before.taskforceId, id);
    if (!member || !canSeeItem(member, before)) return true;
  }
  return false;
}

export function codeLabel(code: HandlingCode): string {
  return HANDLING_CODE_LABELS[code];
}

/** Visibility for events about case-level things (cases, tasks on the case): the taskforce, not liaisons. */
export function taskforceWide(taskforceId: string): EventVisibility {
  return { taskforceId, taskforceWide: true, excludeLiaisons: true };
}

export interface ChangeContext {
  tx: Tx;
  audit(entry: Omit<AuditEntry, "actor" | "origin">): Promise<void>;
  event(event: Omit<NewRoomEvent, "actorId">): Promise<void>;
}

/**
 * Runs a write: the change, its audit records and its room events commit together; the events are announced
 * only after the commit.
 */
export async function writeChange<T>(actor: Actor, run: (ctx: ChangeContext) => Promise<T>): Promise<T> {
  const events: StoredRoomEvent[] = [];
  const result = await prisma.$transaction(async (tx) => {
    const ctx: ChangeContext = {
      tx,
      audit: (entry) => appendAudit(tx, { ...entry, actor, origin: actor.origin }),
      event: async (event) => {
        events.push(await appendRoomEvent(tx, { ...event, actorId: actor.id, payload: jsonSafe(event.payload) }));
      },
    };
    return run(ctx);
  });
  announceRoomEvents(events);
  return result;
}

/** Audits a read of case data. */
export async function auditRead(actor: Actor, entry: Omit<AuditEntry, "actor" | "origin">): Promise<void> {
  await recordAudit({ ...entry, actor, origin: actor.origin });
}

/** Rows as clients receive them: dates as ISO strings. */
export function jsonSafe<T>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** A unique-constraint violation from Prisma, e.g. a duplicate case reference. */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === "P2002";
  // Inside interactive transactions some driver adapters surface the raw driver error instead.
  const cause = (error as { cause?: { kind?: string; originalCode?: string } } | null)?.cause;
  return cause?.kind === "UniqueConstraintViolation" || cause?.originalCode === "23505" || /unique constraint/i.test(String((error as Error)?.message));
}

export function staleMessage(kind: string, editedVersion: number, currentVersion: number): string {
  return `This ${kind} was changed by someone else while you were editing (you edited version ${editedVersion}; it is now version ${currentVersion}). Your change was not saved: review the newer version below and apply your change again.`;
}

/** Field -> { from, to } for the fields whose value changed (compared as JSON). */
export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after)) {
    if (after[key] === undefined) continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = { from: before[key] ?? null, to: after[key] };
  }
  return changes;
}

export function isOverdue(task: { dueDate: Date | null; status: string }, now = new Date()): boolean {
  return task.status !== "DONE" && task.dueDate !== null && task.dueDate.getTime() < now.getTime();
}

/** The visibility fields of a clue or lead row (recipients loaded as rows or given as ids). */
export function itemVisibility(item: {
  taskforceId: string;
  handlingCode: HandlingCode;
  authorId: string;
  authorAgency: string;
  reviewState: ItemVisibility["reviewState"];
  recipients?: readonly { userId: string }[];
  recipientIds?: readonly string[];
}): ItemVisibility {
  return {
    taskforceId: item.taskforceId,
    handlingCode: item.handlingCode,
    authorId: item.authorId,
    authorAgency: item.authorAgency,
    recipientIds: item.recipientIds ? [...item.recipientIds] : (item.recipients ?? []).map((recipient) => recipient.userId),
    reviewState: item.reviewState,
  };
}

/** Review only applies to items that may leave the taskforce: a stricter code takes an item out of review. */
export function reviewStateAfterCodeChange<S extends ItemVisibility["reviewState"]>(code: HandlingCode, reviewState: S): S | "NONE" {
  return code === "GREEN" || code === "CLEAR" ? reviewState : "NONE";
}

/** An edit voids a liaison's approval: what was approved for dissemination is no longer what the item says. */
export function reviewStateAfterEdit<S extends ItemVisibility["reviewState"]>(code: HandlingCode, reviewState: S): S | "NONE" {
  const kept = reviewStateAfterCodeChange(code, reviewState);
  return kept === "APPROVED" ? "NONE" : kept;
}
