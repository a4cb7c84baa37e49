// Liaison review: a GREEN or CLEAR item is submitted by its author or a coordinator, and a liaison approves
// or rejects it before it leaves the taskforce. Liaisons see only items in review.
import type { HandlingCode, Review } from "@prisma/client";
import { canSeeItem, itemVisibility, requirePermission, reviewRequestProblem, visibleCluesWhere, visibleLeadsWhere, type Actor, type ItemVisibility } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import type { DecideReviewInput, ReviewableItemType } from "~/validation/review";
import { auditRead, writeChange, type ChangeContext } from "./changes.server";
import { setClueReviewState, type ClueView } from "./clues.server";
import { setLeadReviewState, type LeadView } from "./leads.server";
import { excerpt, notify } from "./notifications.server";
import { userRefs } from "./users.server";

interface ReviewTarget {
  itemType: ReviewableItemType;
  itemId: string;
  caseId: string;
  taskforceId: string;
  handlingCode: HandlingCode;
  visibility: ItemVisibility;
  ownerId: string | null;
  version: number;
}

async function loadTarget(actor: Actor, itemType: ReviewableItemType, itemId: string): Promise<ReviewTarget> {
  const include = { recipients: { select: { userId: true } } } as const;
  const row =
    itemType === "CLUE"
      ? await prisma.clue.findUnique({ where: { id: itemId }, include }).then((clue) => clue && { ...clue, ownerId: null })
      : await prisma.lead.findUnique({ where: { id: itemId }, include });
  const visibility = row ? itemVisibility(row) : null;
  if (!row || !visibility || !canSeeItem(actor, visibility)) throw new NotFoundError(itemType === "CLUE" ? "Clue not found." : "Lead not found.");
  return { itemType, itemId, caseId: row.caseId, taskforceId: row.taskforceId, handlingCode: row.handlingCode, visibility, ownerId: row.ownerId, version: row.version };
}

function resourceOf(target: ReviewTarget) {
  return { type: target.itemType === "CLUE" ? ("clue" as const) : ("lead" as const), ...target.visibility, ownerId: target.ownerId };
}

async function setReviewState(ctx: ChangeContext, target: ReviewTarget, state: "REQUESTED" | "APPROVED" | "REJECTED") {
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

/** A liaison's decision on an item waiting for review. */
export async function decideReview(
  actor: Actor,
  itemType: ReviewableItemType,
  itemId: string,
  { decision, note, version }: DecideReviewInput,
): Promise<{ review: Review; item: ClueView | LeadView }> {
  const target = await loadTarget(actor, itemType, itemId);
  requirePermission(actor, "review:decide", resourceOf(target));
  if (target.visibility.reviewState !== "REQUESTED") throw new ValidationError({ _form: ["This item is not waiting for review."] });
  if (version !== undefined && version !== target.version) {
    throw new ConflictError("This item changed after you opened it: review the current version before deciding.", { version: target.version });
  }
  return writeChange(actor, async (ctx) => {
    const review = await ctx.tx.review.create({ data: { itemType: target.itemType, itemId: target.itemId, reviewerId: actor.id, decision, note } });
    const item = await setReviewState(ctx, target, decision);
    await notify(ctx, { userIds: [target.visibility.authorId, await reviewRequesterOf(ctx, target)] }, { kind: "review.decided", about: { ...resourceOf(target), reviewState: decision }, itemType: target.itemType, itemId: target.itemId, text: `${actor.displayName} ${decision === "APPROVED" ? "approved" : "rejected"} ${itemLine(target, item)}` });
    await ctx.audit({ action: "review.decide", itemType: target.itemType, itemId: target.itemId, taskforceId: target.taskforceId, caseId: target.caseId, details: { decision, reviewId: review.id } });
    await ctx.event({
      taskforceId: target.taskforceId,
      type: "review.decided",
      itemType: target.itemType,
      itemId: target.itemId,
      visibility: { ...target.visibility, reviewState: decision },
      payload: { review, item },
    });
    return { review, item };
  });
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

export interface ReviewHistoryEntry {
  id: string;
  decision: Review["decision"];
  note: string;
  reviewerName: string;
  createdAt: Date;
}

/** The liaison decisions on an item the actor may see, newest first. */
export async function reviewsOfItem(actor: Actor, itemType: ReviewableItemType, itemId: string): Promise<ReviewHistoryEntry[]> {
  await loadTarget(actor, itemType, itemId);
  const reviews = await prisma.review.findMany({ where: { itemType, itemId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  const reviewers = await userRefs(reviews.map((review) => review.reviewerId));
  return reviews.map((review) => ({
    id: review.id,
    decision: review.decision,
    note: review.note,
    reviewerName: reviewers.get(review.reviewerId)?.displayName ?? "Unknown user",
    createdAt: review.createdAt,
  }));
}
