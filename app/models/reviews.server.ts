// Liaison review: a GREEN or CLEAR item is submitted by its author or a coordinator, and a liaison approves it
// (as written, or with a redacted copy of its text fields that is what leaves), returns it to the author with a
// note, or rejects it, before it leaves the taskforce. Liaisons see only items in review and never edit originals.
// Every request and decision is a Review row: the item's review history (decision 020).
import type { HandlingCode, Review, ReviewState } from "@prisma/client";
import { canSeeItem, itemVisibility, requirePermission, reviewRequestProblem, visibleCluesWhere, visibleLeadsWhere, type Actor, type ItemVisibility } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { REDACTABLE_FIELDS, type DecideReviewInput, type RedactableField, type ReviewableItemType } from "~/validation/review";
import { auditRead, writeChange, type ChangeContext } from "./changes.server";
import { screenEncodedFragments } from "./encoded-fragments.server";
import { userRefOf, userRefs, type UserRef } from "./users.server";
import { setClueReviewState, type ClueView } from "./clues.server";
import { setLeadReviewState, type LeadView } from "./leads.server";
import { excerpt } from "~/utils/notice-text";
import { notify } from "./notifications.server";

interface ReviewTarget {
  itemType: ReviewableItemType;
  itemId: string;
  caseId: string;
  taskforceId: string;
  handlingCode: HandlingCode;
  visibility: ItemVisibility;
  ownerId: string | null;
  version: number;
  /** The item's redactable text fields as written (value/detail of a clue, title/hypothesis of a lead). */
  text: Partial<Record<RedactableField, string>>;
}

async function loadTarget(actor: Actor, itemType: ReviewableItemType, itemId: string): Promise<ReviewTarget> {
  const include = { recipients: { select: { userId: true } } } as const;
  const row =
    itemType === "CLUE"
      ? await prisma.clue.findUnique({ where: { id: itemId }, include }).then((clue) => clue && { ...clue, ownerId: null })
      : await prisma.lead.findUnique({ where: { id: itemId }, include });
  const visibility = row ? itemVisibility(row) : null;
  if (!row || !visibility || !canSeeItem(actor, visibility)) throw new NotFoundError(itemType === "CLUE" ? "Clue not found." : "Lead not found.");
  const text = "value" in row ? { value: row.value, detail: row.detail } : { title: row.title, hypothesis: row.hypothesis };
  return { itemType, itemId, caseId: row.caseId, taskforceId: row.taskforceId, handlingCode: row.handlingCode, visibility, ownerId: row.ownerId, version: row.version, text };
}

function resourceOf(target: ReviewTarget) {
  return { type: target.itemType === "CLUE" ? ("clue" as const) : ("lead" as const), ...target.visibility, ownerId: target.ownerId };
}

async function setReviewState(ctx: ChangeContext, target: ReviewTarget, state: Exclude<ReviewState, "NONE">) {
  return target.itemType === "CLUE" ? setClueReviewState(ctx, target.itemId, state) : setLeadReviewState(ctx, target.itemId, state);
}

/** 'lead "Title"' or 'clue "Value"', for a notification's line. */
function itemLine(target: ReviewTarget, item: ClueView | LeadView): string {
  return target.itemType === "CLUE" ? `clue "${excerpt((item as ClueView).value)}"` : `lead "${excerpt((item as LeadView).title)}"`;
}

/** Who sent the item to review (the latest request's actor, from the audit trail), to tell them the decision. */
async function reviewRequesterOf(ctx: ChangeContext, target: ReviewTarget): Promise<string | null> {
  const request = await ctx.tx.auditEvent.findFirst({ where: { action: "review.request", itemType: target.itemType, itemId: target.itemId }, orderBy: { id: "desc" }, select: { actorId: true } });
  return request?.actorId ?? null;
}

/** Submits a GREEN or CLEAR item for liaison review (its author, owner for leads, or a coordinator). */
export async function requestReview(actor: Actor, itemType: ReviewableItemType, itemId: string): Promise<ClueView | LeadView> {
  const target = await loadTarget(actor, itemType, itemId);
  requirePermission(actor, "review:request", resourceOf(target));
  const problem = reviewRequestProblem(target.visibility);
  if (problem) throw new ValidationError({ [problem.field]: [problem.message] });
  return writeChange(actor, async (ctx) => {
    const item = await setReviewState(ctx, target, "REQUESTED");
    // The request is part of the item's review history, and names who asked (they hear the decision).
    await ctx.tx.review.create({ data: { itemType: target.itemType, itemId: target.itemId, reviewerId: actor.id, decision: "REQUESTED" } });
    await ctx.audit({ action: "review.request", itemType: target.itemType, itemId: target.itemId, taskforceId: target.taskforceId, caseId: target.caseId, details: { handlingCode: target.handlingCode } });
    const visibility = { ...target.visibility, reviewState: "REQUESTED" as const };
    await notify(ctx, { members: true, roles: ["LIAISON"] }, { kind: "review.requested", about: { ...resourceOf(target), reviewState: "REQUESTED" }, itemType: target.itemType, itemId: target.itemId, text: `${actor.displayName} asks for review of ${itemLine(target, item)}` });
    await ctx.event({
      taskforceId: target.taskforceId,
      type: target.itemType === "CLUE" ? "clue.updated" : "lead.updated",
      itemType: target.itemType,
      itemId: target.itemId,
      visibility,
      payload: item,
    });
    return item;
  });
}

/**
 * The liaison's redacted copy, whole: every redactable field of the item, the redacted text where the liaison
 * wrote one and the original elsewhere. Null when nothing differs (a plain approval).
 */
function redactedCopy(target: ReviewTarget, redaction: DecideReviewInput["redaction"]): Record<string, string> | null {
  if (!redaction) return null;
  const allowed: readonly RedactableField[] = REDACTABLE_FIELDS[target.itemType];
  const foreign = Object.keys(redaction).filter((field) => redaction[field as RedactableField] !== undefined && !allowed.includes(field as RedactableField));
  if (foreign.length) throw new ValidationError({ redaction: [`A ${target.itemType === "CLUE" ? "clue" : "lead"} is redacted in ${allowed.join(" and ")} only.`] });
  const copy = Object.fromEntries(allowed.map((field) => [field, redaction[field] ?? target.text[field] ?? ""]));
  const first = allowed[0];
  if (!copy[first]) throw new ValidationError({ [`redaction.${first}`]: ["The redacted copy cannot be empty here: write what may be sent."] });
  return allowed.some((field) => copy[field] !== (target.text[field] ?? "")) ? copy : null;
}

/** A liaison's decision on an item waiting for review: approve (optionally with a redacted copy), return or reject. */
export async function decideReview(
  actor: Actor,
  itemType: ReviewableItemType,
  itemId: string,
  { decision, note, version, redaction }: DecideReviewInput,
): Promise<{ review: Review; item: ClueView | LeadView }> {
  const target = await loadTarget(actor, itemType, itemId);
  requirePermission(actor, "review:decide", resourceOf(target));
  if (target.visibility.reviewState !== "REQUESTED") throw new ValidationError({ _form: ["This item is not waiting for review."] });
  if (version !== undefined && version !== target.version) {
    throw new ConflictError("This item changed after you opened it: review the current version before deciding.", { version: target.version });
  }
  const copy = redactedCopy(target, redaction);
  const request = await prisma.review.findFirst({ where: { itemType, itemId, decision: "REQUESTED" }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  const visibility = { ...target.visibility, reviewState: decision };
  return writeChange(actor, async (ctx) => {
    if (copy) screenEncodedFragments(actor, copy, { itemType: target.itemType, itemId: target.itemId, caseId: target.caseId, taskforceId: target.taskforceId });
    // The original is never touched: the redacted copy lives on the review row, and is what leaves.
    const review = await ctx.tx.review.create({
      data: { itemType: target.itemType, itemId: target.itemId, reviewerId: actor.id, decision, note, ...(copy ? { redaction: copy } : {}) },
    });
    const item = await setReviewState(ctx, target, decision);
    const requesterId = request?.reviewerId ?? (await reviewRequesterOf(ctx, target));
    const verb = decision === "APPROVED" ? (copy ? "approved with redactions" : "approved") : decision === "RETURNED" ? "returned" : "rejected";
    await notify(ctx, { userIds: [target.visibility.authorId, requesterId] }, { kind: "review.decided", about: { ...resourceOf(target), reviewState: decision }, itemType: target.itemType, itemId: target.itemId, text: `${actor.displayName} ${verb} ${itemLine(target, item)}${note ? `: ${excerpt(note)}` : ""}` });
    await ctx.audit({
      action: "review.decide",
      itemType: target.itemType,
      itemId: target.itemId,
      taskforceId: target.taskforceId,
      caseId: target.caseId,
      details: { decision, reviewId: review.id, redacted: copy ? Object.keys(copy).filter((field) => copy[field] !== target.text[field as RedactableField]) : [] },
    });
    await ctx.event({ taskforceId: target.taskforceId, type: "review.decided", itemType: target.itemType, itemId: target.itemId, visibility, payload: { review, item } });
    return { review, item };
  });
}

/** One step of an item's review history, as the item page shows it. */
export interface ReviewEntry {
  id: string;
  decision: ReviewState;
  note: string;
  redaction: Record<string, string> | null;
  by: UserRef | null;
  at: Date;
}

/**
 * The item's review history, oldest first, for a reader who may see the item (the caller's entry check): who
 * asked, who decided what and when, the note, and the redacted copy of an approval with redactions.
 */
export async function reviewHistory(itemType: ReviewableItemType, itemId: string): Promise<ReviewEntry[]> {
  const rows = await prisma.review.findMany({ where: { itemType, itemId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const users = await userRefs(rows.map((row) => row.reviewerId));
  return rows.map((row) => ({
    id: row.id,
    decision: row.decision,
    note: row.note,
    redaction: (row.redaction as Record<string, string> | null) ?? null,
    by: userRefOf(users, row.reviewerId),
    at: row.createdAt,
  }));
}

/**
 * The latest approval of each item, by item id, unless a request came after it. Its redaction, if any, is what
 * may leave. An edit voids an approval by setting the item's review state: callers check the item is APPROVED.
 */
export async function standingApprovals(itemType: ReviewableItemType, itemIds: readonly string[]): Promise<Map<string, Review>> {
  if (itemIds.length === 0) return new Map();
  const rows = await prisma.review.findMany({
    where: { itemType, itemId: { in: [...itemIds] }, decision: { in: ["APPROVED", "REQUESTED"] } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const latest = new Map<string, Review>();
  for (const row of rows) latest.set(row.itemId, row);
  return new Map([...latest].filter(([, row]) => row.decision === "APPROVED"));
}

export interface ReviewQueueItem {
  itemType: ReviewableItemType;
  id: string;
  caseId: string;
  caseReference: string;
  title: string;
  handlingCode: HandlingCode;
  authorId: string;
  updatedAt: Date;
  version: number;
}

/** Items waiting for review that the actor may see, oldest first. */
export async function listReviewQueue(actor: Actor): Promise<ReviewQueueItem[]> {
  const caseSelect = { case: { select: { reference: true } } } as const;
  const [clues, leads] = await Promise.all([
    prisma.clue.findMany({ where: { AND: [visibleCluesWhere(actor), { reviewState: "REQUESTED" }] }, include: caseSelect }),
    prisma.lead.findMany({ where: { AND: [visibleLeadsWhere(actor), { reviewState: "REQUESTED" }] }, include: caseSelect }),
  ]);
  const queue: ReviewQueueItem[] = [
    ...clues.map((clue) => ({ itemType: "CLUE" as const, id: clue.id, caseId: clue.caseId, caseReference: clue.case.reference, title: clue.value, handlingCode: clue.handlingCode, authorId: clue.authorId, updatedAt: clue.updatedAt, version: clue.version })),
    ...leads.map((lead) => ({ itemType: "LEAD" as const, id: lead.id, caseId: lead.caseId, caseReference: lead.case.reference, title: lead.title, handlingCode: lead.handlingCode, authorId: lead.authorId, updatedAt: lead.updatedAt, version: lead.version })),
  ].sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime());
  await auditRead(actor, { action: "review.queue", details: { count: queue.length } });
  return queue;
}

