// Filters of the audit pages and GET /api/v1/audit: actor, action, item, taskforce, case and date range, a
// keyset cursor and a page size; `format=csv` asks for the filtered view as a spreadsheet.
import { z } from "zod";
import { refuseInvalidCodePoints } from "./code-points";
import { emptyToUndefined, idSchema, numberFromText, optionalDate, upperEnum } from "./common";

export const AUDIT_FORMATS = ["JSON", "CSV"] as const;
export const AUDIT_PAGE_SIZE = 50;
/** The kinds of item audit events name. */
export const AUDIT_ITEM_TYPES = ["CASE", "CLUE", "LEAD", "TASK", "COMMENT", "TASKFORCE", "USER", "ACCESS_TOKEN"] as const;

const optionalId = z.preprocess(emptyToUndefined, idSchema.optional());

export const auditQuerySchema = z
  .object({
    /** A user id, or an email address (any case). */
    actor: z.preprocess(emptyToUndefined, refuseInvalidCodePoints(z.string().trim().max(320, "At most 320 characters.")).optional()),
    /** An action such as clue.read; ending in "." it matches the family (clue. finds clue.read, clue.update, ...). */
    action: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .regex(/^[a-z0-9_.]{1,64}$/, "Use an action name such as clue.read, or its start ending in a dot (clue.).")
        .optional(),
    ),
    itemType: z.preprocess(emptyToUndefined, upperEnum(AUDIT_ITEM_TYPES, "Choose an item type.").optional()),
    itemId: optionalId,
    taskforceId: optionalId,
    caseId: optionalId,
    from: optionalDate,
    to: optionalDate,
    /** Where the previous page ended (its nextCursor). */
    cursor: z.preprocess(emptyToUndefined, z.string().regex(/^\d{13}_\d{1,19}$/, "That page marker is not valid; start from the first page.").optional()),
    take: numberFromText(z.number().int().min(1, "At least 1.").max(200, "At most 200 a page.").optional()),
    format: z.preprocess(emptyToUndefined, upperEnum(AUDIT_FORMATS, "Choose json or csv.").optional()),
  })
  .superRefine((query, ctx) => {
    if (query.from && query.to && new Date(query.from) > new Date(query.to)) ctx.addIssue({ code: "custom", path: ["to"], message: "The end date is before the start date." });
  });

export type AuditQuery = z.output<typeof auditQuerySchema>;
/** The filters alone (what a page link or an export carries over). */
export const AUDIT_FILTERS = ["actor", "action", "itemType", "itemId", "taskforceId", "caseId", "from", "to"] as const;
