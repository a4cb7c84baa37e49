// Comment input: text-only remarks on a clue, lead or task, with @mentions written as "@" + a member's email.
import { z } from "zod";
import { idSchema, requiredLine } from "./common";

export const COMMENTABLE_ITEM_TYPES = ["CLUE", "LEAD", "TASK"] as const;
export type CommentableItemType = (typeof COMMENTABLE_ITEM_TYPES)[number];

export const commentItemTypeSchema = z.preprocess(
  (value) => (typeof value === "string" ? value.trim().toUpperCase().replace(/S$/, "") : value),
  z.enum(COMMENTABLE_ITEM_TYPES, { error: "Comments go on a CLUE, LEAD or TASK." }),
);

export const commentBodySchema = z.object({ body: requiredLine("Comment", 5_000) });
export type CommentBodyInput = z.output<typeof commentBodySchema>;

export const createCommentSchema = commentBodySchema.extend({ itemType: commentItemTypeSchema, itemId: idSchema });
export type CreateCommentInput = z.output<typeof createCommentSchema>;

/** "@analyst@demo.local" -> "analyst@demo.local"; trailing sentence punctuation is not part of the email. */
const MENTION_RE = /(?<![\w.+-])@([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g;

export function extractMentionedEmails(body: string): string[] {
  const emails = new Set<string>();
  for (const match of body.matchAll(MENTION_RE)) emails.add(match[1].replace(/[.-]+$/, "").toLowerCase());
  return [...emails];
}
