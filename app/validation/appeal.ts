// Public object appeals: what a liaison publishes, and a tip from the public (decision 020). Browser-safe.
import { z } from "zod";
import { idSchema, requiredLine } from "./common";

/** Only clues of these categories (objects, not places or people) may become a public appeal. */
export const APPEAL_CATEGORIES = ["object_product", "clothing"] as const;

export const PUBLIC_TEXT_MAX = 1_000;
export const TIP_MAX = 2_000;

export const publishAppealSchema = z.object({
  clueId: idSchema,
  /** The only thing the public sees: written by the liaison for the public, nothing copied from the case. */
  publicText: requiredLine("Public text", PUBLIC_TEXT_MAX),
});
export type PublishAppealInput = z.output<typeof publishAppealSchema>;

export const publicTipSchema = z.object({
  appealId: idSchema,
  body: requiredLine("Your tip", TIP_MAX),
});
export type PublicTipInput = z.output<typeof publicTipSchema>;
