// Liaison review input: submit a GREEN/CLEAR item for review, and the liaison's decision on it.
import { z } from "zod";
import { idSchema, numberFromText, optionalText, upperEnum } from "./common";

export const REVIEWABLE_ITEM_TYPES = ["CLUE", "LEAD"] as const;
export type ReviewableItemType = (typeof REVIEWABLE_ITEM_TYPES)[number];
/** APPROVED (with a `redaction`: approved with redactions), RETURNED to the author with a note, or REJECTED. */
export const REVIEW_DECISIONS = ["APPROVED", "RETURNED", "REJECTED"] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** The text fields a liaison may redact, per item type: the redacted copy holds exactly these. */
export const REDACTABLE_FIELDS = { CLUE: ["value", "detail"], LEAD: ["title", "hypothesis"] } as const;
export type RedactableField = (typeof REDACTABLE_FIELDS)[ReviewableItemType][number];
export const REDACTABLE_FIELD_LABELS: Record<RedactableField, string> = { value: "Clue", detail: "Detail", title: "Title", hypothesis: "Hypothesis" };

/** The liaison's redacted copy: any field left out is sent as written. Text only, like the originals. */
export const redactionSchema = z
  .object({
    value: optionalText("Redacted clue", 500).optional(),
    detail: optionalText("Redacted detail", 10_000).optional(),
    title: optionalText("Redacted title", 200).optional(),
    hypothesis: optionalText("Redacted hypothesis", 10_000).optional(),
  })
  .strict();
export type RedactionInput = z.output<typeof redactionSchema>;

export const reviewItemTypeSchema = z.preprocess(
  (value) => (typeof value === "string" ? value.trim().toUpperCase().replace(/S$/, "") : value),
  z.enum(REVIEWABLE_ITEM_TYPES, { error: "Only clues and leads are reviewed." }),
);

export const requestReviewSchema = z.object({ itemType: reviewItemTypeSchema, itemId: idSchema });
export type RequestReviewInput = z.output<typeof requestReviewSchema>;

export const decideReviewSchema = z
  .object({
    decision: upperEnum(REVIEW_DECISIONS, "Choose APPROVED, RETURNED or REJECTED."),
    note: optionalText("Note", 5_000).default(""),
    /** Approve with redactions: the redacted copy of the item's text fields that is sent instead of the original. */
    redaction: redactionSchema.optional(),
    /** The item version the liaison reviewed: a decision on content changed since is refused as stale. */
    version: numberFromText(z.number({ error: "The version must be a whole number." }).int("The version must be a whole number.").positive("The version must be a whole number.").optional()),
  })
  .superRefine((input, ctx) => {
    if (input.decision === "REJECTED" && !input.note) ctx.addIssue({ code: "custom", path: ["note"], message: "Say why the item is rejected." });
    if (input.decision === "RETURNED" && !input.note) ctx.addIssue({ code: "custom", path: ["note"], message: "Say what the author should change before asking again." });
    if (input.redaction && input.decision !== "APPROVED") ctx.addIssue({ code: "custom", path: ["redaction"], message: "A redacted copy goes only with an approval." });
  });
export type DecideReviewInput = z.output<typeof decideReviewSchema>;
