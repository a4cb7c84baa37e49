// Liaison review input: submit a GREEN/CLEAR item for review, and the liaison's decision on it.
import { z } from "zod";
import { idSchema, numberFromText, optionalText, upperEnum } from "./common";

export const REVIEWABLE_ITEM_TYPES = ["CLUE", "LEAD"] as const;
export type ReviewableItemType = (typeof REVIEWABLE_ITEM_TYPES)[number];
export const REVIEW_DECISIONS = ["APPROVED", "REJECTED"] as const;

export const reviewItemTypeSchema = z.preprocess(
  (value) => (typeof value === "string" ? value.trim().toUpperCase().replace(/S$/, "") : value),
  z.enum(REVIEWABLE_ITEM_TYPES, { error: "Only clues and leads are reviewed." }),
);

export const requestReviewSchema = z.object({ itemType: reviewItemTypeSchema, itemId: idSchema });
export type RequestReviewInput = z.output<typeof requestReviewSchema>;

export const decideReviewSchema = z
  .object({
    decision: upperEnum(REVIEW_DECISIONS, "Choose APPROVED or REJECTED."),
    note: optionalText("Note", 5_000).default(""),
    /** The item version the liaison reviewed: a decision on content changed since is refused as stale. */
    version: numberFromText(z.number({ error: "The version must be a whole number." }).int("The version must be a whole number.").positive("The version must be a whole number.").optional()),
  })
  .superRefine((input, ctx) => {
    if (input.decision === "REJECTED" && !input.note) ctx.addIssue({ code: "custom", path: ["note"], message: "Say why the item is rejected." });
  });
export type DecideReviewInput = z.output<typeof decideReviewSchema>;
