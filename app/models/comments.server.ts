// Comments on clues, leads and tasks: text only, with @mentions ("@" + a member's email) resolved only to
// members who may see the item commented on.
import type { Comment, Prisma } from "@prisma/client";
import { canSeeComment, canSeeItem, itemVisibility, loadMemberActor, requirePermission, type Actor, type EventVisibility, type NotifiableResource } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { NotFoundError } from "~/utils/errors.server";
import { jsonSafe, type Jsonified } from "~/utils/json";
import { extractMentionedEmails, type CommentableItemType, type CreateCommentInput } from "~/validation/comment";
import { auditRead, createdItemOf, writeCreate, type ChangeContext, type CreateOptions } from "./changes.server";
import { screenEncodedFragments } from "./encoded-fragments.server";
import { excerpt } from "~/utils/notice-text";
import { notify } from "./notifications.server";
import { loadTaskForComments } from "./tasks.server";
import { userRefOf, userRefs, type UserRef } from "./users.server";

/** A comment as readers receive it (who could see its item when it was written stays on the server). */
export interface CommentView extends Omit<Comment, "visibility"> {
  author: UserRef | null;
  mentions: UserRef[];
}

interface Parent {
  itemType: CommentableItemType;
  itemId: string;
  caseId: string;
  taskforceId: string;
  resource: NotifiableResource;
  eventVisibility: EventVisibility;
  canBeSeenBy(member: Actor): boolean;
}

async function loadParent(actor: Actor, itemType: CommentableItemType, itemId: string): Promise<Parent> {
  if (itemType === "TASK") {
    const task = await loadTaskForComments(actor, itemId);
    return { itemType, itemId, caseId: task.row.caseId, taskforceId: task.row.taskforceId, resource: task.resource, eventVisibility: task.eventVisibility, canBeSeenBy: task.canBeSeenBy };
  }
  const row =
    itemType === "CLUE"
      ? await prisma.clue.findUnique({ where: { id: itemId }, include: { recipients: { select: { userId: true } } } })
      : await prisma.lead.findUnique({ where: { id: itemId }, include: { recipients: { select: { userId: true } } } });
  const visibility = row ? itemVisibility(row) : null;
  if (!row || !visibility || !canSeeItem(actor, visibility)) throw new NotFoundError(itemType === "CLUE" ? "Clue not found." : "Lead not found.");
  return {
    itemType,
    itemId,
    caseId: row.caseId,
    taskforceId: row.taskforceId,
    resource: { type: itemType === "CLUE" ? "clue" : "lead", ...visibility },
    eventVisibility: visibility,
    canBeSeenBy: (member) => canSeeItem(member, visibility),
  };
}

async function toCommentViews(rows: (Comment & { mentions: { userId: string }[] })[], client: Parameters<typeof userRefs>[1] = prisma): Promise<CommentView[]> {
  const users = await userRefs(rows.flatMap((row) => [row.authorId, ...row.mentions.map((mention) => mention.userId)]), client);
  return rows.map(({ mentions, visibility: _visibility, ...comment }) => ({
    ...comment,
    author: userRefOf(users, comment.authorId),
    mentions: mentions.map((mention) => userRefOf(users, mention.userId)!),
  }));
}

export async function listComments(actor: Actor, itemType: CommentableItemType, itemId: string): Promise<CommentView[]> {
  const parent = await loadParent(actor, itemType, itemId);
  requirePermission(actor, "comment:read", { type: "comment", authorId: "", parent: parent.resource });
  const rows = (
    await prisma.comment.findMany({
      where: { itemType: parent.itemType, itemId: parent.itemId },
      include: { mentions: { select: { userId: true } } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    })
  ).filter((row) => canSeeComment(actor, parent.resource, writtenUnder(row)));
  await auditRead(actor, { action: "comment.list", itemType: parent.itemType, itemId: parent.itemId, taskforceId: parent.taskforceId, caseId: parent.caseId, details: { count: rows.length } });
  return toCommentViews(rows);
}

/** A comment with the visibility its item had when it was written, for canSeeComment. */
function writtenUnder(comment: Comment): { authorId: string; taskforceId: string; visibility: EventVisibility } {
  return { authorId: comment.authorId, taskforceId: comment.taskforceId, visibility: comment.visibility as unknown as EventVisibility };
}

/** Mentioned emails that belong to taskforce members who may see the item; others are silently left as text. */
async function resolveMentions(parent: Parent, body: string, authorId: string): Promise<string[]> {
  const emails = extractMentionedEmails(body);
  if (emails.length === 0) return [];
  const users = await prisma.user.findMany({
    where: { email: { in: emails, mode: "insensitive" }, status: "ACTIVE", memberships: { some: { taskforceId: parent.taskforceId } } },
    select: { id: true },
  });
  const mentioned: string[] = [];
  for (const user of users) {
    if (user.id === authorId) continue;
    const member = await loadMemberActor(parent.taskforceId, user.id);
    if (member && parent.canBeSeenBy(member)) mentioned.push(user.id);
  }
  return mentioned;
}

export async function createComment(actor: Actor, input: CreateCommentInput, options: CreateOptions = {}): Promise<Jsonified<CommentView>> {
  const parent = await loadParent(actor, input.itemType, input.itemId);
  requirePermission(actor, "comment:create", { type: "comment", authorId: actor.id, parent: parent.resource });
  const mentionIds = await resolveMentions(parent, input.body, actor.id);
  const write = async (ctx: ChangeContext) => {
    screenEncodedFragments(actor, { body: input.body }, { itemType: "COMMENT", caseId: parent.caseId, taskforceId: parent.taskforceId });
    const created = await ctx.tx.comment.create({
      data: {
        itemType: parent.itemType,
        itemId: parent.itemId,
        caseId: parent.caseId,
        taskforceId: parent.taskforceId,
        authorId: actor.id,
        body: input.body,
        visibility: jsonSafe(parent.eventVisibility) as Prisma.InputJsonObject,
        mentions: { create: mentionIds.map((userId) => ({ userId })) },
      },
      include: { mentions: { select: { userId: true } } },
    });
    const view = jsonSafe((await toCommentViews([created], ctx.tx))[0]);
    await ctx.audit({
      action: "comment.create",
      itemType: "COMMENT",
      itemId: created.id,
      taskforceId: parent.taskforceId,
      caseId: parent.caseId,
      details: { on: { itemType: parent.itemType, itemId: parent.itemId }, mentions: mentionIds },
    });
    await ctx.event({ taskforceId: parent.taskforceId, type: "comment.created", itemType: "COMMENT", itemId: created.id, visibility: parent.eventVisibility, payload: view });
    await notify(ctx, { userIds: mentionIds }, { kind: "mention", about: parent.resource, itemType: parent.itemType, itemId: parent.itemId, text: `${actor.displayName} mentioned you: "${excerpt(input.body)}"` });
    return view;
  };
  return writeCreate(actor, options, { type: "comment.created" }, write, createdItemOf<Jsonified<CommentView>>);
}

export interface MentionView {
  commentId: string;
  itemType: CommentableItemType;
  itemId: string;
  excerpt: string;
  author: UserRef | null;
  createdAt: Date;
}

const MENTION_EXCERPT_LENGTH = 200;

/** Where the actor was @mentioned, newest first: only in comments on items they may still see. */
export async function listMyMentions(actor: Actor, take = 20): Promise<MentionView[]> {
  if (actor.taskforceIds.size === 0) return [];
  const rows = await prisma.commentMention.findMany({
    where: { userId: actor.id, comment: { taskforceId: { in: [...actor.taskforceIds] } } },
    include: { comment: true },
    orderBy: { comment: { createdAt: "desc" } },
    take: take * 3,
  });
  const visible: Comment[] = [];
  for (const { comment } of rows) {
    if (visible.length === take) break;
    // The item may have moved out of the actor's sight since (code raised, review ended): check it now.
    const parent = await loadParent(actor, comment.itemType as CommentableItemType, comment.itemId).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    });
    if (parent && canSeeComment(actor, parent.resource, writtenUnder(comment))) visible.push(comment);
  }
  await auditRead(actor, { action: "comment.mentions", details: { count: visible.length } });
  const users = await userRefs(visible.map((comment) => comment.authorId));
  return visible.map((comment) => ({
    commentId: comment.id,
    itemType: comment.itemType as CommentableItemType,
    itemId: comment.itemId,
    excerpt: comment.body.length > MENTION_EXCERPT_LENGTH ? `${comment.body.slice(0, MENTION_EXCERPT_LENGTH)}…` : comment.body,
    author: userRefOf(users, comment.authorId),
    createdAt: comment.createdAt,
  }));
}
