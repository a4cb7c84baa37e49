// The comment form every item page has (intent "comment"): parse, create, and come back to the thread.
import { redirect } from "@remix-run/node";
import type { Actor } from "~/auth/permissions.server";
import { createComment, type CommentView } from "~/models/comments.server";
import { parseInput } from "~/utils/forms.server";
import { commentBodySchema, type CommentableItemType } from "~/validation/comment";

export async function postComment(actor: Actor, itemType: CommentableItemType, itemId: string, values: Record<string, unknown>, backTo: string) {
  const { body } = parseInput(commentBodySchema, values);
  await createComment(actor, { itemType, itemId, body });
  return redirect(`${backTo}#comments-heading`);
}

export function commentLine(comment: CommentView) {
  return {
    id: comment.id,
    body: comment.body,
    createdAt: comment.createdAt,
    author: comment.author ? { displayName: comment.author.displayName, agency: comment.author.agency } : null,
  };
}
