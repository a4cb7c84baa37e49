// What the clue and lead pages share: the comment and liaison-review forms, handled one way for both.
import { redirect } from "@remix-run/node";
import type { Actor } from "~/auth/permissions.server";
import { requestReview } from "~/models/reviews.server";
import type { ReviewableItemType } from "~/validation/review";
import { postComment } from "./comments.server";

/** Handles an item page's "comment" and "requestReview" forms; null when the intent is one of the page's own. */
export async function handleItemIntent(actor: Actor, itemType: ReviewableItemType, itemId: string, values: Record<string, unknown>, pagePath: string) {
  switch (values.intent) {
    case "comment":
      return postComment(actor, itemType, itemId, values, pagePath);
    case "requestReview":
      await requestReview(actor, itemType, itemId);
      return redirect(`${pagePath}?saved=review`);
    default:
      return null;
  }
}
