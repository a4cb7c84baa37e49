// Clue input: a text-only contextual clue with its category, evaluation, handling code and media hash ids.
// Media is referred to only by opaque hash ids whose shape is checked per algorithm.
import { z } from "zod";
import { digestsAreStructured, startsWithFileSignature } from "./text-only";
import {
  emptyToUndefined,
  handlingCodeSchema,
  idListSchema,
  idSchema,
  numberFromText,
  optionalText,
  requiredLine,
  upperEnum,
  versionSchema,
  withDefault,
} from "./common";
import { facetsSchema } from "./facets";

export const CONFIDENCES = ["LOW", "MEDIUM", "HIGH"] as const;
export const SOURCE_RELIABILITIES = ["A", "B", "C", "X"] as const;
/** 4x4 information assessment, 1 (known to be true) to 4 (cannot be judged). */
export const INFO_ASSESSMENTS = [1, 2, 3, 4] as const;
export const SOURCE_RELIABILITY_LABELS: Record<(typeof SOURCE_RELIABILITIES)[number], string> = {
  A: "A: no doubt about the source",
  B: "B: source mostly reliable",
  C: "C: source not reliable",
  X: "X: reliability cannot be assessed",
};
export const INFO_ASSESSMENT_LABELS: Record<number, string> = {
  1: "1: known to be true without reservation",
  2: "2: known personally to the source",
  3: "3: not known personally, corroborated",
  4: "4: cannot be judged",
};

export const MEDIA_HASH_ALGORITHMS = ["MD5", "SHA1", "SHA256", "SHA512", "PHOTODNA", "AGENCY"] as const;
export type MediaHashAlgorithmInput = (typeof MEDIA_HASH_ALGORITHMS)[number];

/**
 * The documented shape of each id, tight enough that a value is not a free carrier of bytes (issue 10; decision
 * 010). Hex digests are normalised to lower case and must look like digests: a file signature at their start or
 * far more zero bytes than uniform digests have is refused (see digestsAreStructured). PhotoDNA hashes are 144
 * bytes: 288 hex digits, not opening with a file signature, at most MAX_PHOTODNA_REFS_PER_CLUE per clue (their
 * bytes are not uniform, so the zero-byte test does not apply to them). AGENCY ids are an agency's own case-tool
 * ids: a letter prefix and up to four segments of letters and digits, case-insensitive and stored upper-case
 * (so a base62/base64 payload loses the case it needs), at most 48 characters, segments mixing letters and
 * digits at most three times ("AB12CD34" fits; random base36 does not).
 */
export const MEDIA_REF_SHAPES: Record<MediaHashAlgorithmInput, { pattern: RegExp; hex: boolean; description: string }> = {
  MD5: { pattern: /^[0-9a-f]{32}$/, hex: true, description: "32 hex digits" },
  SHA1: { pattern: /^[0-9a-f]{40}$/, hex: true, description: "40 hex digits" },
  SHA256: { pattern: /^[0-9a-f]{64}$/, hex: true, description: "64 hex digits" },
  SHA512: { pattern: /^[0-9a-f]{128}$/, hex: true, description: "128 hex digits" },
  PHOTODNA: { pattern: /^[0-9a-f]{288}$/, hex: true, description: "288 hex digits (144 bytes)" },
  AGENCY: {
    pattern: /^(?=.{4,48}$)[A-Z]{2,12}(?:-[A-Z0-9]{1,16}){1,4}$/,
    hex: false,
    description: "a letter prefix and one to four dash-separated parts of letters and digits, such as NL-2026-0042 (at most 48 characters)",
  },
};

/** Media references one clue may hold, and PhotoDNA hashes among them (144 bytes each): see decision 015. */
export const MAX_MEDIA_REFS_PER_CLUE = 8;
export const MAX_PHOTODNA_REFS_PER_CLUE = 2;
/** Letter/digit alternations an AGENCY id segment may have: "AB12CD34" has 3; random base36 of 16 has about 7. */
const MAX_AGENCY_SEGMENT_SWITCHES = 3;

function normaliseRefValue(algorithm: MediaHashAlgorithmInput, value: string): string {
  return MEDIA_REF_SHAPES[algorithm].hex ? value.toLowerCase() : value.toUpperCase();
}

function agencyIdIsStructured(value: string): boolean {
  return value.split("-").every((segment) => (segment.match(/[A-Z](?=\d)|\d(?=[A-Z])/g) ?? []).length <= MAX_AGENCY_SEGMENT_SWITCHES);
}

function normaliseAlgorithm(value: unknown): unknown {
  return typeof value === "string" ? value.trim().toUpperCase().replace(/[-_\s]/g, "") : value;
}

export const mediaRefSchema = z
  .object({
    algorithm: z.preprocess(
      normaliseAlgorithm,
      z.enum(MEDIA_HASH_ALGORITHMS, { error: "Choose a hash algorithm: MD5, SHA1, SHA256, SHA512, PHOTODNA or AGENCY." }),
    ),
    value: z.string({ error: "The hash id is required." }).trim().min(1, "The hash id is required.").max(300, "That hash id is too long."),
  })
  .superRefine((ref, ctx) => {
    const shape = MEDIA_REF_SHAPES[ref.algorithm];
    const value = normaliseRefValue(ref.algorithm, ref.value);
    if (!shape.pattern.test(value)) {
      ctx.addIssue({ code: "custom", path: ["value"], message: `A ${ref.algorithm} id is ${shape.description}.` });
    } else if (ref.algorithm === "AGENCY" && !agencyIdIsStructured(value)) {
      ctx.addIssue({ code: "custom", path: ["value"], message: NOT_AN_ID_MESSAGE });
    } else if (ref.algorithm === "PHOTODNA" ? startsWithFileSignature(value) : shape.hex && digestsAreStructured([value])) {
      ctx.addIssue({ code: "custom", path: ["value"], message: NOT_AN_ID_MESSAGE });
    }
  })
  .overwrite((ref) => ({ ...ref, value: normaliseRefValue(ref.algorithm, ref.value) }));
export type MediaRefInput = z.output<typeof mediaRefSchema>;

/**
 * A textarea of media refs, one per line as "ALGORITHM:value" (e.g. "SHA256:9f86d0..."); blank lines are
 * skipped. Lines without a colon come back with an empty algorithm so the schema reports them.
 */
export function parseMediaRefLines(text: string): { algorithm: string; value: string }[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      const colon = line.indexOf(":");
      return colon === -1 ? { algorithm: "", value: line } : { algorithm: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
    });
}

/** The inverse of parseMediaRefLines, for filling the textarea when editing. */
export function formatMediaRefLines(refs: readonly { algorithm: string; value: string }[]): string {
  return refs.map((ref) => `${ref.algorithm}:${ref.value}`).join("\n");
}

const NOT_AN_ID_MESSAGE =
  "Cluebridge is text-only: this value does not look like a hash id (it reads as file data: a file signature, long zero runs or a random string). Enter the hash id your forensic tool shows for the media.";

export const mediaRefsSchema = z.preprocess(
  (value) => (value === undefined ? [] : typeof value === "string" ? parseMediaRefLines(value) : value),
  z
    .array(mediaRefSchema)
    .max(MAX_MEDIA_REFS_PER_CLUE, `At most ${MAX_MEDIA_REFS_PER_CLUE} media references per clue; refer to a series by its AGENCY id.`)
    .superRefine((refs, ctx) => {
      const photoDna = refs.filter((ref) => ref.algorithm === "PHOTODNA").length;
      if (photoDna > MAX_PHOTODNA_REFS_PER_CLUE) {
        ctx.addIssue({ code: "custom", message: `At most ${MAX_PHOTODNA_REFS_PER_CLUE} PhotoDNA hashes per clue; use the SHA256 of the other files.` });
      }
      // A file cut into several digests: the references together read as file data (signature, zero runs).
      const digests = refs.filter((ref) => ref.algorithm !== "AGENCY" && ref.algorithm !== "PHOTODNA").map((ref) => ref.value);
      if (digests.length > 1 && digestsAreStructured(digests)) ctx.addIssue({ code: "custom", message: NOT_AN_ID_MESSAGE });
    }),
);

const confidenceSchema = upperEnum(CONFIDENCES, "Choose a confidence: LOW, MEDIUM or HIGH.");
const sourceReliabilitySchema = upperEnum(SOURCE_RELIABILITIES, "Choose a source reliability: A, B, C or X.");
const infoAssessmentSchema = z.preprocess(
  (value) => (typeof value === "string" ? value.trim().replace(/^I/i, "") : value),
  numberFromText(
    z
      .number({ error: "Choose an information assessment from 1 to 4." })
      .int("Choose an information assessment from 1 to 4.")
      .min(1, "Choose an information assessment from 1 to 4.")
      .max(4, "Choose an information assessment from 1 to 4."),
  ),
);

/** 4x4 evaluation. Forms may send it flat (sourceReliability, infoAssessment); see nestEvaluation. */
export const evaluationSchema = z.object({
  sourceReliability: withDefault(sourceReliabilitySchema, "X"),
  infoAssessment: withDefault(infoAssessmentSchema, 4),
});
export type EvaluationInput = z.output<typeof evaluationSchema>;

/** Form posts carry the evaluation as two flat fields; JSON carries `evaluation: {...}`. */
function nestEvaluation(value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  const input = value as Record<string, unknown>;
  if (input.evaluation !== undefined || (input.sourceReliability === undefined && input.infoAssessment === undefined)) return value;
  const { sourceReliability, infoAssessment, ...rest } = input;
  return { ...rest, evaluation: { sourceReliability, infoAssessment } };
}

const clueFields = {
  category: z.string({ error: "Choose a category." }).trim().min(1, "Choose a category.").max(64),
  value: requiredLine("Value", 500),
  detail: optionalText("Detail", 10_000),
  confidence: confidenceSchema,
  mediaRefs: mediaRefsSchema,
  handlingCode: handlingCodeSchema,
  evaluation: evaluationSchema,
  /** Members named on a TLP:RED clue (besides the author); ignored for other codes only when empty. */
  recipientIds: idListSchema,
  /** Typed facets for the narrowing (issue 14): [{ type, value }] or form lines "type: value". */
  facets: facetsSchema,
};

export const createClueSchema = z.preprocess(
  nestEvaluation,
  z.object({
    category: clueFields.category,
    value: clueFields.value,
    detail: clueFields.detail.default(""),
    confidence: withDefault(clueFields.confidence, "MEDIUM"),
    mediaRefs: clueFields.mediaRefs.optional(),
    /** Defaults to the case's default handling code. */
    handlingCode: z.preprocess(emptyToUndefined, clueFields.handlingCode.optional()),
    evaluation: withDefault(clueFields.evaluation, { sourceReliability: "X", infoAssessment: 4 }),
    recipientIds: clueFields.recipientIds.optional(),
    facets: clueFields.facets.optional(),
  }),
);
export type CreateClueInput = z.output<typeof createClueSchema>;

/** An edit: the version it was made against, and only the fields it changes. */
export const updateClueSchema = z.preprocess(
  nestEvaluation,
  z.object({
    version: versionSchema,
    category: z.preprocess(emptyToUndefined, clueFields.category.optional()),
    value: z.preprocess(emptyToUndefined, clueFields.value.optional()),
    detail: clueFields.detail.optional(),
    confidence: z.preprocess(emptyToUndefined, clueFields.confidence.optional()),
    mediaRefs: clueFields.mediaRefs.optional(),
    handlingCode: z.preprocess(emptyToUndefined, clueFields.handlingCode.optional()),
    evaluation: clueFields.evaluation.optional(),
    recipientIds: clueFields.recipientIds.optional(),
    facets: clueFields.facets.optional(),
  }),
);
export type UpdateClueInput = z.output<typeof updateClueSchema>;

export const listCluesQuerySchema = z.object({
  category: z.preprocess(emptyToUndefined, z.string().trim().max(64).optional()),
  cursor: z.preprocess(emptyToUndefined, z.string().max(200).optional()),
  take: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int("take must be a whole number.").min(1, "take must be at least 1.").max(200, "take must be at most 200.").optional(),
  ),
});
export type ListCluesQuery = z.output<typeof listCluesQuerySchema>;

export { idSchema as clueIdSchema };
