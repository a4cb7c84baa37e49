// Building blocks the input schemas share. Browser-safe: no server imports. Schemas accept JSON bodies and
// form posts alike (forms send strings: empty means "not given", numbers arrive as text).
import { z } from "zod";
import { HANDLING_CODES } from "~/auth/handling-codes";
import { refuseInvalidCodePoints } from "./code-points";
import { textOnly } from "./text-only";

/**
 * "" from a form means "not given". JSON null does not: where the document does not say a field is nullable,
 * null is refused (a client sending null to clear a field must not get a silent "nothing changed").
 */
export function emptyToUndefined(value: unknown): unknown {
  return value === "" ? undefined : value;
}

/**
 * A number from JSON, or from a form's text ("3", "" meaning not given). Only text is converted: true, [5] or
 * {} are refused rather than coerced, so the server accepts no JSON the document forbids.
 */
export function numberFromText<S extends z.ZodType>(schema: S) {
  return z.preprocess((value) => (typeof value === "string" ? (value.trim() === "" ? undefined : Number(value.trim())) : value), schema);
}

/** Accepts "AMBER_STRICT", "amber+strict", "TLP:AMBER+STRICT" and the like. */
function normaliseHandlingCode(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const code = value.trim().toUpperCase().replace(/^TLP:/, "").replace(/[+\s-]/g, "_");
  return code === "" ? undefined : code;
}

export const handlingCodeSchema = z.preprocess(
  normaliseHandlingCode,
  z.enum(HANDLING_CODES, { error: "Choose a handling code: RED, AMBER_STRICT, AMBER, GREEN or CLEAR." }),
);

/** Upper-cases enum input so "high" and "HIGH" both parse. */
export function upperEnum<const T extends readonly [string, ...string[]]>(values: T, message: string) {
  return z.preprocess(
    (value) => (typeof value === "string" ? (value.trim() === "" ? undefined : value.trim().toUpperCase().replace(/[\s-]/g, "_")) : value),
    z.enum(values, { error: message }),
  );
}

export const idSchema = refuseInvalidCodePoints(z.string({ error: "Required." }).trim().min(1, "Required.").max(64, "That id is too long."));

/** The version the caller last saw, for optimistic concurrency. */
export const versionSchema = numberFromText(
  z.number({ error: "The version you are editing is required." }).int("The version must be a whole number.").positive("The version must be a whole number."),
);

/** A list of ids: a JSON array, repeated form fields, or one comma/space separated string. */
export const idListSchema = z.preprocess(
  (value) => {
    if (value === undefined || value === "") return [];
    if (typeof value === "string") return value.split(/[\s,]+/).filter(Boolean);
    return value;
  },
  z.array(idSchema).max(200, "At most 200 entries."),
);

/** Required single-line text, checked text-only. */
export function requiredLine(label: string, max: number) {
  return textOnly(
    refuseInvalidCodePoints(
      z
        .string({ error: `${label} is required.` })
        .trim()
        .min(1, `${label} is required.`)
        .max(max, `${label} must be at most ${max} characters.`),
    ),
  );
}

/** Optional longer text, checked text-only; "" is a valid value (clears the field). */
export function optionalText(label: string, max: number) {
  return textOnly(refuseInvalidCodePoints(z.string({ error: `${label} must be text.` }).trim().max(max, `${label} must be at most ${max} characters.`)));
}

/** A calendar date ("2026-12-01") or an ISO date-time; "" clears it (null). */
export const dateInputSchema = z.preprocess(
  (value) => (value === "" ? null : value),
  z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: "Enter a date as YYYY-MM-DD." }).nullable(),
);

/** An optional date filter ("from", "to"): a calendar date or an ISO date-time; "" means not given. */
export const optionalDate = z.preprocess(
  emptyToUndefined,
  z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: "Enter a date as YYYY-MM-DD." }).optional(),
);

/** A field with a default that a form may also send as "" (which means "use the default"). */
export function withDefault<S extends z.ZodType>(schema: S, value: z.output<S>) {
  return z.preprocess(emptyToUndefined, z.optional(schema).transform((parsed) => (parsed === undefined ? value : parsed)) as z.ZodType<z.output<S>, unknown>);
}

/**
 * An idempotency key (a socket write's `clientEventId`, the API's `Idempotency-Key` header): made once per user
 * action (a UUID fits) and sent again unchanged with every retry of that action. `name` is what the caller sent.
 */
export function idempotencyKeySchema(name: string) {
  const message = `${name} is a string of 8 to 64 letters, digits, - or _ (a UUID fits).`;
  return z.string({ error: message }).regex(/^[A-Za-z0-9_-]{8,64}$/, message);
}
