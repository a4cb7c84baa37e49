// Input of "turn the top candidate countries into tasks" (issue 14): which countries, who does them, what to check.
import { z } from "zod";
import { COUNTRY_NAMES } from "~/data/facet-vocabulary";
import { dateInputSchema, emptyToUndefined, idSchema, requiredLine } from "./common";

const COUNTRY_CODES = new Set(COUNTRY_NAMES.map(([code]) => code));
export const MAX_COUNTRY_TASKS = 10;

export const countryTasksSchema = z.object({
  countries: z.preprocess(
    (value) => (value === undefined || value === "" ? [] : Array.isArray(value) ? value : [value]),
    z
      .array(z.string().trim().toUpperCase().refine((code) => COUNTRY_CODES.has(code), "Not an ISO 3166-1 alpha-2 country code."))
      .min(1, "Choose at least one country.")
      .max(MAX_COUNTRY_TASKS, `At most ${MAX_COUNTRY_TASKS} countries at once.`)
      .transform((codes) => [...new Set(codes)]),
  ),
  assigneeId: idSchema,
  /** What the liaison is asked to check, e.g. "brand Y shampoo". */
  subject: requiredLine("What to check", 120),
  leadId: z.preprocess(emptyToUndefined, idSchema.optional()),
  dueDate: dateInputSchema.optional(),
});
export type CountryTasksInput = z.output<typeof countryTasksSchema>;

/** The reference correction an admin posts: one field of one country, the new values (none: the shipped value again). */
export const referenceCorrectionSchema = z.object({
  field: z.enum(["plugTypes", "voltages", "frequencies", "drivingSide", "emergencyNumbers", "postcodeFormats", "climateZones"], {
    error: "Choose a field: plugTypes, voltages, frequencies, drivingSide, emergencyNumbers, postcodeFormats or climateZones.",
  }),
  value: z.preprocess(
    (value) => (typeof value === "string" ? value.split(/[\s,]+/).filter(Boolean) : value),
    z.array(z.string().trim().min(1).max(20)).max(20).nullable(),
  ),
  reason: requiredLine("Reason", 500),
});
export type ReferenceCorrectionInput = z.output<typeof referenceCorrectionSchema>;
