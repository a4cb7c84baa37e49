// Correlation input: a coordinator's or liaison's step on a de-confliction, and an administrator's exclusion
// of a value from correlation.
import { z } from "zod";
import { MIN_VALUE_KEY_LENGTH, normaliseValue } from "~/utils/correlation-keys";
import { MEDIA_HASH_ALGORITHMS, mediaRefSchema } from "./clue";
import { optionalText, requiredLine, upperEnum } from "./common";

export const DECONFLICTION_STEPS = ["REQUEST", "ACCEPT", "DECLINE"] as const;
export type DeconflictionStep = (typeof DECONFLICTION_STEPS)[number];

export const deconflictionStepSchema = z
  .object({
    step: upperEnum(DECONFLICTION_STEPS, "Choose REQUEST, ACCEPT or DECLINE."),
    /** Why a side declines: kept on that side only. */
    reason: optionalText("Reason", 2_000).default(""),
  })
  .superRefine((input, ctx) => {
    if (input.step === "DECLINE" && !input.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "Say why you decline (only your side will see it)." });
  });
export type DeconflictionStepInput = z.output<typeof deconflictionStepSchema>;

/** A value to exclude: a clue value in a category, or a media hash id ("SHA256:…" as kind HASH). */
export const correlationExclusionSchema = z
  .object({
    kind: upperEnum(["VALUE", "HASH"] as const, "Choose VALUE or HASH."),
    categoryKey: optionalText("Category", 64).default(""),
    value: requiredLine("Value", 2_000),
  })
  .superRefine((input, ctx) => {
    if (input.kind === "VALUE" && !input.categoryKey) ctx.addIssue({ code: "custom", path: ["categoryKey"], message: "Choose the category the value is excluded in." });
    if (input.kind === "VALUE" && normaliseValue(input.categoryKey, input.value).length < MIN_VALUE_KEY_LENGTH) {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: `Without case, accents and punctuation this value is shorter than ${MIN_VALUE_KEY_LENGTH} characters: such values never link, so there is nothing to exclude.`,
      });
    }
    if (input.kind === "HASH") {
      const [algorithm = "", ...id] = input.value.split(":");
      if (!(MEDIA_HASH_ALGORITHMS as readonly string[]).includes(algorithm.toUpperCase())) {
        ctx.addIssue({ code: "custom", path: ["value"], message: "Write a media hash id as ALGORITHM:value, e.g. SHA256:9f86d0…" });
      } else {
        // The id as a clue would hold it: one that no clue could record links nothing.
        const ref = mediaRefSchema.safeParse({ algorithm, value: id.join(":").trim() });
        if (!ref.success) ctx.addIssue({ code: "custom", path: ["value"], message: ref.error.issues[0]?.message ?? "That is not a media hash id." });
      }
    }
  });
export type CorrelationExclusionInput = z.output<typeof correlationExclusionSchema>;

/** Undo an exclusion (the value links again from the next save of a clue holding it). */
export const correlationInclusionSchema = z.object({
  kind: upperEnum(["VALUE", "HASH"] as const, "Choose VALUE or HASH."),
  categoryKey: optionalText("Category", 64).default(""),
  key: requiredLine("Key", 2_000),
});
