// Case input: what a coordinator sends to open or edit a case. Shared by forms, the JSON API and OpenAPI.
import { z } from "zod";
import { emptyToUndefined, handlingCodeSchema, idSchema, optionalText, requiredLine, upperEnum, versionSchema, withDefault } from "./common";

export const CASE_STATUSES = ["OPEN", "DORMANT", "VICTIM_IDENTIFIED", "CLOSED"] as const;
export const CASE_STATUS_LABELS: Record<(typeof CASE_STATUSES)[number], string> = {
  OPEN: "Open",
  DORMANT: "Dormant",
  VICTIM_IDENTIFIED: "Victim identified",
  CLOSED: "Closed",
};

/** Where the case came from; the details (report number, platform, series id) go in originText. */
export const ORIGIN_KINDS = ["REFERRAL", "ICSE", "SEIZURE", "OTHER"] as const;
export const ORIGIN_KIND_LABELS: Record<(typeof ORIGIN_KINDS)[number], string> = {
  REFERRAL: "Referral (e.g. NCMEC CyberTipline report)",
  ICSE: "Interpol ICSE series",
  SEIZURE: "National seizure",
  OTHER: "Other",
};

const caseStatusSchema = upperEnum(CASE_STATUSES, "Choose a status: OPEN, DORMANT, VICTIM_IDENTIFIED or CLOSED.");
const originKindSchema = upperEnum(ORIGIN_KINDS, "Choose an origin: REFERRAL, ICSE, SEIZURE or OTHER.");

export const caseReferenceSchema = z
  .string({ error: "Reference is required." })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9-]{2,39}$/, "Use letters, digits and dashes, e.g. VID-2026-0042 (3 to 40 characters).");

export const createCaseSchema = z.object({
  taskforceId: idSchema,
  reference: caseReferenceSchema,
  title: requiredLine("Title", 200),
  summary: optionalText("Summary", 10_000).default(""),
  status: withDefault(caseStatusSchema, "OPEN"),
  defaultHandlingCode: withDefault(handlingCodeSchema, "AMBER"),
  originKind: withDefault(originKindSchema, "OTHER"),
  originText: optionalText("Origin", 2_000).default(""),
});
export type CreateCaseInput = z.output<typeof createCaseSchema>;

export const updateCaseSchema = z.object({
  version: versionSchema,
  title: z.preprocess(emptyToUndefined, requiredLine("Title", 200).optional()),
  summary: optionalText("Summary", 10_000).optional(),
  status: caseStatusSchema.optional(),
  defaultHandlingCode: handlingCodeSchema.optional(),
  originKind: originKindSchema.optional(),
  originText: optionalText("Origin", 2_000).optional(),
});
export type UpdateCaseInput = z.output<typeof updateCaseSchema>;

export const caseFiltersSchema = z.object({
  taskforceId: z.preprocess(emptyToUndefined, idSchema.optional()),
  status: z.preprocess(emptyToUndefined, caseStatusSchema.optional()),
});
export type CaseFilters = z.output<typeof caseFiltersSchema>;
