// Lead input: a hypothesis citing the clues that support it, with status, priority, owner and handling code.
import { z } from "zod";
import { emptyToUndefined, handlingCodeSchema, idListSchema, idSchema, optionalText, requiredLine, upperEnum, versionSchema, withDefault } from "./common";

export const LEAD_STATUSES = ["OPEN", "IN_PROGRESS", "CONFIRMED", "DISMISSED"] as const;
export type LeadStatusInput = (typeof LEAD_STATUSES)[number];
export const LEAD_STATUS_LABELS: Record<LeadStatusInput, string> = {
  OPEN: "Open",
  IN_PROGRESS: "In progress",
  CONFIRMED: "Confirmed",
  DISMISSED: "Dismissed",
};
export const PRIORITIES = ["LOW", "MEDIUM", "HIGH", "URGENT"] as const;

/** Where a lead may go from each status; confirmed and dismissed leads can be reopened to in progress. */
export const LEAD_STATUS_TRANSITIONS: Record<LeadStatusInput, readonly LeadStatusInput[]> = {
  OPEN: ["IN_PROGRESS", "DISMISSED"],
  IN_PROGRESS: ["OPEN", "CONFIRMED", "DISMISSED"],
  CONFIRMED: ["IN_PROGRESS"],
  DISMISSED: ["IN_PROGRESS"],
};

/** Statuses that close a lead and so need a reason. */
export const LEAD_STATUSES_NEEDING_REASON: readonly LeadStatusInput[] = ["CONFIRMED", "DISMISSED"];

const leadStatusSchema = upperEnum(LEAD_STATUSES, "Choose a status: OPEN, IN_PROGRESS, CONFIRMED or DISMISSED.");
const prioritySchema = upperEnum(PRIORITIES, "Choose a priority: LOW, MEDIUM, HIGH or URGENT.");

function requireReasonForClosingStatus(input: { status?: LeadStatusInput; statusReason?: string }, ctx: z.RefinementCtx) {
  if (input.status && LEAD_STATUSES_NEEDING_REASON.includes(input.status) && !input.statusReason) {
    ctx.addIssue({ code: "custom", path: ["statusReason"], message: "Give a reason when confirming or dismissing a lead." });
  }
}

export const createLeadSchema = z
  .object({
    title: requiredLine("Title", 200),
    hypothesis: optionalText("Hypothesis", 10_000).default(""),
    /** The clues that support the hypothesis (same case, visible to the author). */
    clueIds: idListSchema.optional(),
    status: withDefault(leadStatusSchema, "OPEN"),
    statusReason: optionalText("Reason", 2_000).default(""),
    priority: withDefault(prioritySchema, "MEDIUM"),
    /** Defaults to the author. */
    ownerId: z.preprocess(emptyToUndefined, idSchema.optional()),
    /** Defaults to the strictest of the case default and the cited clues' codes. */
    handlingCode: z.preprocess(emptyToUndefined, handlingCodeSchema.optional()),
    recipientIds: idListSchema.optional(),
  })
  .superRefine(requireReasonForClosingStatus);
export type CreateLeadInput = z.output<typeof createLeadSchema>;

export const updateLeadSchema = z
  .object({
    version: versionSchema,
    title: z.preprocess(emptyToUndefined, requiredLine("Title", 200).optional()),
    hypothesis: optionalText("Hypothesis", 10_000).optional(),
    clueIds: idListSchema.optional(),
    status: z.preprocess(emptyToUndefined, leadStatusSchema.optional()),
    statusReason: optionalText("Reason", 2_000).optional(),
    priority: z.preprocess(emptyToUndefined, prioritySchema.optional()),
    ownerId: z.preprocess(emptyToUndefined, idSchema.optional()),
    handlingCode: z.preprocess(emptyToUndefined, handlingCodeSchema.optional()),
    recipientIds: idListSchema.optional(),
  })
  .superRefine(requireReasonForClosingStatus);
export type UpdateLeadInput = z.output<typeof updateLeadSchema>;

export const leadFiltersSchema = z.object({
  status: z.preprocess(emptyToUndefined, leadStatusSchema.optional()),
  ownerId: z.preprocess(emptyToUndefined, idSchema.optional()),
});
export type LeadFilters = z.output<typeof leadFiltersSchema>;
