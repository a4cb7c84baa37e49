// Input of "turn the top candidate countries into tasks" (issue 14): which countries, who does them, what to check.
import { z } from "zod";
import { COUNTRY_NAMES } from "~/data/facet-vocabulary";
import { CLIMATE_ZONES, PLUG_TYPES } from "./facets";
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

/**
 * What each correctable field holds, as the shipped table writes it: a value outside these is refused with the
 * field's own message (an outside probe stored markup, media links and hex in them; they are shown to every
 * analyst narrowing a country).
 */
const REFERENCE_VALUE_RULES = {
  plugTypes: { pattern: new RegExp(`^(?:${PLUG_TYPES.join("|")})$`), message: "A plug type is one IEC letter from A to O, e.g. F." },
  voltages: { pattern: /^\d{2,3}$/, message: "A voltage is a number of volts, e.g. 230." },
  frequencies: { pattern: /^(?:50|60)$/, message: "A mains frequency is 50 or 60." },
  drivingSide: { pattern: /^(?:left|right)$/, message: "The driving side is left or right." },
  emergencyNumbers: { pattern: /^\d{2,6}$/, message: "An emergency number is 2 to 6 digits, e.g. 112." },
  postcodeFormats: { pattern: /^[NA][NA -]{0,11}$/, message: "A postcode shape is written with N for a digit and A for a letter, e.g. NN-NNN." },
  climateZones: { pattern: new RegExp(`^(?:${CLIMATE_ZONES.join("|")})$`), message: `A climate zone is one of: ${CLIMATE_ZONES.join(", ")}.` },
} as const;

/** The reference correction an admin posts: one field of one country, the new values (none: the shipped value again). */
export const referenceCorrectionSchema = z
  .object({
    field: z.enum(["plugTypes", "voltages", "frequencies", "drivingSide", "emergencyNumbers", "postcodeFormats", "climateZones"], {
      error: "Choose a field: plugTypes, voltages, frequencies, drivingSide, emergencyNumbers, postcodeFormats or climateZones.",
    }),
    value: z.preprocess(
      (value) => (typeof value === "string" ? value.split(/[\s,]+/).filter(Boolean) : value),
      z.array(z.string().trim().min(1).max(20)).max(20).nullable(),
    ),
    reason: requiredLine("Reason", 500),
  })
  .superRefine((input, ctx) => {
    const rule = REFERENCE_VALUE_RULES[input.field];
    const wrong = (input.value ?? []).find((value) => !rule.pattern.test(value));
    if (wrong !== undefined) ctx.addIssue({ code: "custom", path: ["value"], message: rule.message });
  });
export type ReferenceCorrectionInput = z.output<typeof referenceCorrectionSchema>;
