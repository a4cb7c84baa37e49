// Dissemination of an approved lead to a partner agency's contact point, under a Europol handling code, and the
// list of contact points administrators keep (decision 020). Browser-safe.
import { z } from "zod";
import { idSchema, optionalText, requiredLine, upperEnum } from "./common";

export const EUROPOL_HANDLING_CODES = ["H0", "H1", "H2", "H3"] as const;
export type EuropolHandlingCodeName = (typeof EUROPOL_HANDLING_CODES)[number];

/** What each Europol handling code tells the recipient, as printed on every package. */
export const EUROPOL_HANDLING_CODE_MEANINGS: Record<EuropolHandlingCodeName, string> = {
  H0: "H0: for law-enforcement purposes only.",
  H1: "H1: not for use in judicial proceedings without the permission of the owner.",
  H2: "H2: not to be disseminated further without the permission of the owner.",
  H3: "H3: other restrictions, stated below.",
};

export const createDisseminationSchema = z
  .object({
    recipientId: idSchema,
    handlingCode: upperEnum(EUROPOL_HANDLING_CODES, "Choose a Europol handling code: H0, H1, H2 or H3."),
    restriction: optionalText("Restriction", 2_000).default(""),
    note: optionalText("Note", 2_000).default(""),
  })
  .superRefine((input, ctx) => {
    if (input.handlingCode === "H3" && !input.restriction) {
      ctx.addIssue({ code: "custom", path: ["restriction"], message: "H3 needs the restriction stated: write what the recipient may and may not do." });
    }
  });
export type CreateDisseminationInput = z.output<typeof createDisseminationSchema>;

export const newRecipientSchema = z.object({
  country: requiredLine("Country", 100),
  agency: requiredLine("Agency", 200),
  contactPoint: requiredLine("Contact point", 300),
});
export type NewRecipientInput = z.output<typeof newRecipientSchema>;

/** An administrator retires a contact point (or brings it back); what was sent to it stays on record as sent. */
export const recipientUpdateSchema = z.object({
  active: z.preprocess((value) => (value === "true" ? true : value === "false" ? false : value), z.boolean({ error: "Send true or false." })),
});
export type RecipientUpdateInput = z.output<typeof recipientUpdateSchema>;

export const listDisseminationsQuerySchema = z.object({
  leadId: z.preprocess((value) => (value === "" ? undefined : value), idSchema.optional()),
});
