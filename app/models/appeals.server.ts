// Public object appeals ("Trace an Object"): a liaison publishes an approved TLP:CLEAR object clue with a short
// text of their own; the public sees that text and nothing else, and may send a text tip, which waits in the
// liaison's queue. Unpublishing takes the appeal off the public page at once (decision 020).
import { createHash } from "node:crypto";
import { canSeeItem, hasGrant, itemVisibility, requirePermission, visibleCluesWhere, workingTaskforceIds, type Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { NotFoundError, RateLimitedError, ValidationError } from "~/utils/errors.server";
import { limitStore } from "~/utils/limit-store.server";
import { APPEAL_CATEGORIES, type PublicTipInput, type PublishAppealInput } from "~/validation/appeal";
import { appendAudit } from "./audit.server";
import { auditRead, writeChange, type ChangeContext } from "./changes.server";
import { screenEncodedFragments } from "./encoded-fragments.server";
import { excerpt } from "~/utils/notice-text";
import { notify } from "./notifications.server";

/** An appeal as the public sees it: its text, and when it went up. Nothing else leaves. */
export interface PublicAppeal {
  id: string;
  publicText: string;
  publishedAt: Date;
}

/** The published appeals, newest first: for anyone, signed in or not. */
export async function listPublishedAppeals(): Promise<PublicAppeal[]> {
  return prisma.appeal.findMany({
    where: { unpublishedAt: null },
    select: { id: true, publicText: true, publishedAt: true },
    orderBy: [{ publishedAt: "desc" }, { id: "desc" }],
  });
}

/** Why this clue cannot be published, or null: it must be TLP:CLEAR, approved by a liaison, and an object. */
function appealProblem(clue: { handlingCode: string; reviewState: string; categoryKey: string }): string | null {
  if (clue.handlingCode !== "CLEAR") return "Only a TLP:CLEAR clue can be published as a public appeal.";
  if (clue.reviewState !== "APPROVED") return "Only a clue a liaison has approved can be published as a public appeal.";
  if (!(APPEAL_CATEGORIES as readonly string[]).includes(clue.categoryKey)) return "Only object clues (objects and products, clothing) can be published as a public appeal.";
  return null;
}

export async function publishAppeal(actor: Actor, { clueId, publicText }: PublishAppealInput) {
  const clue = await prisma.clue.findUnique({ where: { id: clueId }, include: { recipients: { select: { userId: true } } } });
  if (!clue || !canSeeItem(actor, itemVisibility(clue))) throw new NotFoundError("Clue not found.");
  requirePermission(actor, "appeal:publish", { type: "appeal", taskforceId: clue.taskforceId });
  const problem = appealProblem(clue);
  if (problem) throw new ValidationError({ clueId: [problem] });
  if (await prisma.appeal.findFirst({ where: { clueId, unpublishedAt: null } })) throw new ValidationError({ clueId: ["This clue is already published as an appeal."] });
  return writeChange(actor, async (ctx) => {
    screenEncodedFragments(actor, { publicText }, { itemType: "CLUE", itemId: clueId, caseId: clue.caseId, taskforceId: clue.taskforceId });
    const appeal = await ctx.tx.appeal.create({ data: { clueId, caseId: clue.caseId, taskforceId: clue.taskforceId, publicText, publishedById: actor.id } });
    await ctx.audit({ action: "appeal.publish", itemType: "CLUE", itemId: clueId, taskforceId: clue.taskforceId, caseId: clue.caseId, details: { appealId: appeal.id } });
    return appeal;
  });
}

export async function unpublishAppeal(actor: Actor, appealId: string) {
  const appeal = await prisma.appeal.findUnique({ where: { id: appealId } });
  if (!appeal) throw new NotFoundError("Appeal not found.");
  requirePermission(actor, "appeal:publish", { type: "appeal", taskforceId: appeal.taskforceId });
  if (appeal.unpublishedAt) throw new ValidationError({ appealId: ["This appeal is no longer published."] });
  return writeChange(actor, async (ctx) => {
    const updated = await ctx.tx.appeal.update({ where: { id: appealId }, data: { unpublishedAt: new Date(), unpublishedById: actor.id } });
    await ctx.audit({ action: "appeal.unpublish", itemType: "CLUE", itemId: appeal.clueId, taskforceId: appeal.taskforceId, caseId: appeal.caseId, details: { appealId } });
    return updated;
  });
}

/**
 * An appeal stands only while its clue may be published (TLP:CLEAR, approved by a liaison, an object): the write
 * that raises the clue's code, voids its approval, moves it to another category or deletes it withdraws its
 * appeal in the same transaction, so the public page and the tip form stop showing it at once. The liaisons'
 * queue keeps it, unpublished, with its tips. Audited as the editor's, with the reason.
 */
export async function withdrawAppealsOf(ctx: ChangeContext, clue: { id: string; handlingCode: string; reviewState: string; categoryKey: string }, deleted = false): Promise<void> {
  const reason = deleted ? "The clue was deleted." : appealProblem(clue);
  if (reason === null) return;
  const standing = await ctx.tx.appeal.findMany({ where: { clueId: clue.id, unpublishedAt: null }, select: { id: true, taskforceId: true, caseId: true } });
  for (const appeal of standing) {
    await ctx.tx.appeal.update({ where: { id: appeal.id }, data: { unpublishedAt: new Date(), unpublishedById: ctx.actor.id } });
    await ctx.audit({ action: "appeal.unpublish", itemType: "CLUE", itemId: clue.id, taskforceId: appeal.taskforceId, caseId: appeal.caseId, details: { appealId: appeal.id, withdrawn: reason } });
  }
}

/** Tips per address per hour: enough for a person with something to say, not for a script. */
export function publicTipLimitPerHour(): number {
  return Number(process.env.PUBLIC_TIP_LIMIT_PER_HOUR ?? 5);
}
const TIP_WINDOW_MS = 60 * 60_000;

/**
 * A tip from the public. Counted per client address in the limit store (under a digest of the address: the
 * address itself is not kept, nor written to the audit trail); the answer never says anything about the case.
 */
export async function submitPublicTip(input: PublicTipInput, address: string | null): Promise<void> {
  const key = `public-tip:${createHash("sha256").update(address || "unknown").digest("hex")}`;
  const window = await limitStore().fixedWindow(key, TIP_WINDOW_MS, 1);
  if (window.count > publicTipLimitPerHour()) {
    throw new RateLimitedError("Thank you: we have received several tips from you in the last hour. Please try again later.", Math.max(1, Math.ceil(window.resetInMs / 1000)));
  }
  const appeal = await prisma.appeal.findFirst({ where: { id: input.appealId, unpublishedAt: null } });
  if (!appeal) throw new NotFoundError("This appeal is no longer published.");
  const clue = await prisma.clue.findUnique({ where: { id: appeal.clueId }, include: { recipients: { select: { userId: true } } } });
  if (!clue) throw new NotFoundError("This appeal is no longer published.");
  // The tip, its audit record and the liaisons' notices commit together: no tip without its record.
  const announcements: (() => void)[] = [];
  await prisma.$transaction(async (tx) => {
    const tip = await tx.publicTip.create({ data: { appealId: appeal.id, body: input.body } });
    await appendAudit(tx, { actor: null, action: "appeal.tip", itemType: "CLUE", itemId: appeal.clueId, taskforceId: appeal.taskforceId, caseId: appeal.caseId, details: { appealId: appeal.id, tipId: tip.id } });
    await notify(
      { tx, actor: null, afterCommit: (announce) => void announcements.push(announce) },
      { members: true, roles: ["LIAISON"] },
      { kind: "tip.received", about: { type: "clue", ...itemVisibility(clue) }, itemType: "CLUE", itemId: clue.id, text: `A public tip arrived on the appeal "${excerpt(appeal.publicText)}"` },
    );
  });
  for (const announce of announcements) announce();
}

export interface AppealQueue {
  /** Published and unpublished appeals of the actor's taskforces, newest first, each with its tips. */
  appeals: {
    id: string;
    clueId: string;
    publicText: string;
    publishedAt: Date;
    unpublishedAt: Date | null;
    tips: { id: string; body: string; receivedAt: Date }[];
  }[];
  /** Clues the actor could publish now (approved TLP:CLEAR object clues not already up). */
  candidates: { id: string; value: string; caseId: string }[];
}

/** The liaison's appeals: what is up, the tips it brought in, and what could go up. */
export async function appealQueue(actor: Actor): Promise<AppealQueue> {
  if (!hasGrant(actor, "appeal:read")) throw new NotFoundError();
  const taskforceIds = workingTaskforceIds(actor);
  const [appeals, candidates] = await Promise.all([
    prisma.appeal.findMany({
      where: { taskforceId: { in: taskforceIds } },
      include: { tips: { orderBy: [{ receivedAt: "desc" }, { id: "desc" }], select: { id: true, body: true, receivedAt: true } } },
      orderBy: [{ publishedAt: "desc" }, { id: "desc" }],
      take: 200,
    }),
    hasGrant(actor, "appeal:publish")
      ? prisma.clue.findMany({
          where: { AND: [visibleCluesWhere(actor), { handlingCode: "CLEAR", reviewState: "APPROVED", categoryKey: { in: [...APPEAL_CATEGORIES] } }] },
          select: { id: true, value: true, caseId: true },
          orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
          take: 200,
        })
      : Promise.resolve([]),
  ]);
  const up = new Set(appeals.filter((appeal) => !appeal.unpublishedAt).map((appeal) => appeal.clueId));
  await auditRead(actor, { action: "appeal.queue", details: { appeals: appeals.length, tips: appeals.reduce((sum, appeal) => sum + appeal.tips.length, 0) } });
  return {
    appeals: appeals.map(({ id, clueId, publicText, publishedAt, unpublishedAt, tips }) => ({ id, clueId, publicText, publishedAt, unpublishedAt, tips })),
    candidates: candidates.filter((clue) => !up.has(clue.id)),
  };
}
