// Search input: free text plus filters over everything the user may see.
import { z } from "zod";
import { emptyToUndefined, handlingCodeSchema, idSchema, optionalDate, upperEnum } from "./common";
import { LEAD_STATUSES } from "./lead";
import { textOnly } from "./text-only";

export const SEARCH_KINDS = ["ALL", "CLUES", "LEADS"] as const;


export const searchQuerySchema = z
  .object({
    // Text-only like every other input: the query is kept in the audit trail.
    q: z.preprocess((value) => (value === null ? undefined : value), textOnly(z.string().trim().max(200, "Search for at most 200 characters.")).default("")),
    kind: z.preprocess(emptyToUndefined, upperEnum(SEARCH_KINDS, "Choose ALL, CLUES or LEADS.").optional()),
    category: z.preprocess(emptyToUndefined, z.string().trim().max(64).optional()),
    caseId: z.preprocess(emptyToUndefined, idSchema.optional()),
    /** One of the caller's taskforces (the taskforce overview links here); another taskforce finds nothing. */
    taskforceId: z.preprocess(emptyToUndefined, idSchema.optional()),
    handlingCode: z.preprocess(emptyToUndefined, handlingCodeSchema.optional()),
    /** Lead status; clue results are not filtered by it. */
    status: z.preprocess(emptyToUndefined, upperEnum(LEAD_STATUSES, "Choose a lead status.").optional()),
    authorId: z.preprocess(emptyToUndefined, idSchema.optional()),
    from: optionalDate,
    to: optionalDate,
    take: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(200).optional()),
  })
  .superRefine((query, ctx) => {
    const hasFilter = query.category || query.caseId || query.taskforceId || query.handlingCode || query.status || query.authorId || query.from || query.to;
    if (query.q === "" && !hasFilter) ctx.addIssue({ code: "custom", path: ["q"], message: "Enter something to search for, or choose a filter." });
  });
export type SearchQuery = z.output<typeof searchQuerySchema>;
