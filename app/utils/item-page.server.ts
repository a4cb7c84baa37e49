// What the clue and lead pages share: the comment, liaison-review and review-decision forms, handled one way for
// both, and the review panel's data (history, standing decision, the redacted copy beside the original).
import { redirect } from "@remix-run/node";
import { can, type Actor, type ItemResource } from "~/auth/permissions.server";
import { decideReview, requestReview, reviewHistory } from "~/models/reviews.server";
import { REDACTABLE_FIELD_LABELS, REDACTABLE_FIELDS, decideReviewSchema, type RedactableField, type ReviewableItemType } from "~/validation/review";
import { postComment } from "./comments.server";
import { parseInput } from "./forms.server";

/** Handles an item page's "comment", "requestReview" and "decideReview" forms; null when the intent is the page's own. */
export async function handleItemIntent(actor: Actor, itemType: ReviewableItemType, itemId: string, values: Record<string, unknown>, pagePath: string) {
  switch (values.intent) {
    case "comment":
      return postComment(actor, itemType, itemId, values, pagePath);
    case "requestReview":
      await requestReview(actor, itemType, itemId);
      return redirect(`${pagePath}?saved=review`);
    case "decideReview": {
      const { review } = await decideReview(actor, itemType, itemId, parseInput(decideReviewSchema, decisionInput(itemType, values)));
      return redirect(`${pagePath}?saved=${review.decision.toLowerCase()}`);
    }
    default:
      return null;
  }
}

/**
 * A decision form's fields as the decision input. The redaction boxes hold the original text until the liaison
 * changes them, and go with an approval only: unchanged boxes are a plain approval.
 */
export function decisionInput(itemType: ReviewableItemType, values: Record<string, unknown>) {
  const { decision, note, version } = values;
  const approving = typeof decision === "string" && decision.toUpperCase() === "APPROVED";
  const fields = REDACTABLE_FIELDS[itemType].filter((field) => typeof values[`redaction.${field}`] === "string");
  const redaction = approving && fields.length ? Object.fromEntries(fields.map((field) => [field, values[`redaction.${field}`]])) : undefined;
  return { decision, note, version, redaction };
}

/** The review panel of an item page: its history, whether the viewer may decide, and the fields a liaison may redact. */
export async function reviewPanelOf(actor: Actor, itemType: ReviewableItemType, itemId: string, resource: ItemResource, text: Partial<Record<RedactableField, string>>) {
  const history = await reviewHistory(itemType, itemId);
  return {
    history: history.map((entry) => ({
      id: entry.id,
      decision: entry.decision,
      note: entry.note,
      redaction: entry.redaction,
      by: entry.by ? `${entry.by.displayName} (${entry.by.agency})` : "Unknown user",
      at: entry.at,
    })),
    canDecide: resource.reviewState === "REQUESTED" && can(actor, "review:decide", resource),
    fields: REDACTABLE_FIELDS[itemType].map((field) => ({ field, label: REDACTABLE_FIELD_LABELS[field], original: text[field] ?? "" })),
  };
}

