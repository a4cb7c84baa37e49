// The correlation keys of a clue (issue 13): what two clues must share to be linked. Pure, so the same keys are
// computed by the save, the bench and the admin's "exclude this value" form.

/**
 * Letters that look like Latin letters (a subset of Unicode's confusables.txt, UTS #39): Cyrillic, Greek and a
 * few Latin variants that survive NFKC. Digits are left alone on purpose: "0"/"O" and "1"/"l" are different
 * characters on a number plate or a phone number.
 */
const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
  "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
  "ь": "b", "ɡ": "g",
  // Greek
  "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "n", "ι": "i", "κ": "k", "μ": "u", "ν": "v", "ο": "o", "ρ": "p",
  "τ": "t", "υ": "u", "χ": "x", "ϲ": "c", "ϳ": "j",
  // Latin look-alikes NFKC keeps
  "ı": "i", "ȷ": "j", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ß": "ss", "æ": "ae", "œ": "oe",
};

/** Per category, what else is noise: a number plate is the same plate with or without its spaces and dashes. */
const CATEGORY_RULES: Record<string, (normalised: string) => string> = {
  vehicle: (value) => value.replace(/ /g, ""),
};

/**
 * The value as correlation compares it: compatibility forms folded (NFKC: full-width, ligatures), invisible format
 * characters dropped (a zero-width space or soft hyphen inside a word would otherwise split it in two), look-alike
 * letters mapped to Latin, accents removed, lower case, punctuation and runs of whitespace as one space; then the
 * category's own rule. "Café  Łódź!" and "CAFE lodz" are the same key.
 */
export function normaliseValue(categoryKey: string, value: string): string {
  const lowered = value.normalize("NFKC").replace(/\p{Cf}+/gu, "").toLowerCase();
  let mapped = "";
  for (const char of lowered) mapped += CONFUSABLES[char] ?? char;
  const plain = mapped
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
  const rule = CATEGORY_RULES[categoryKey];
  return rule ? rule(plain) : plain;
}

/**
 * The version of the keys this code computes. Raise it whenever normaliseValue, correlationKeysOf or what they
 * depend on change what a stored clue's keys would be: a server with a higher version than the database's
 * ("CorrelationBackfill"."keysVersion") brings every earlier clue's keys and links up to date in the background.
 * 1: issue 13's keys; 2: invisible format characters dropped.
 */
export const CORRELATION_KEYS_VERSION = 2;

/** A media hash id as a key: the algorithm and the id as validation stored it (hex ids lower case). */
export function mediaRefKey(ref: { algorithm: string; value: string }): string {
  return `${ref.algorithm}:${ref.value}`;
}

export type CorrelationKeyKind = "HASH" | "VALUE";

export interface CorrelationKey {
  kind: CorrelationKeyKind;
  /** "" for media hash ids (a hash is a hash in any category). */
  categoryKey: string;
  key: string;
}

/** Values shorter than this after normalisation never link ("a", "tv"): too little to mean anything. */
export const MIN_VALUE_KEY_LENGTH = 3;

export function correlationKeysOf(clue: { categoryKey: string; value: string; mediaRefs: readonly { algorithm: string; value: string }[] }): CorrelationKey[] {
  const keys: CorrelationKey[] = [];
  const seen = new Set<string>();
  for (const ref of clue.mediaRefs) {
    const key = mediaRefKey(ref);
    if (seen.has(key)) continue;
    seen.add(key);
    keys.push({ kind: "HASH", categoryKey: "", key });
  }
  const value = normaliseValue(clue.categoryKey, clue.value);
  if (value.length >= MIN_VALUE_KEY_LENGTH) keys.push({ kind: "VALUE", categoryKey: clue.categoryKey, key: value });
  return keys;
}

const CONFIDENCE_WEIGHT: Record<string, number> = { HIGH: 1, MEDIUM: 0.8, LOW: 0.6 };
const RELIABILITY_WEIGHT: Record<string, number> = { A: 1, B: 0.85, C: 0.7, X: 0.55 };
const ASSESSMENT_WEIGHT: Record<string, number> = { I1: 1, I2: 0.85, I3: 0.7, I4: 0.55 };
/** How much each kind of match means before the clues' own weight: a shared hash is the same picture. */
export const KIND_STRENGTH = { HASH: 1, VALUE: 0.8, NEAR: 0.6 } as const;

/** How far a clue is to be trusted: its confidence times its 4x4 evaluation (source reliability, assessment). */
export function clueWeight(clue: { confidence: string; sourceReliability: string; infoAssessment: string }): number {
  return (CONFIDENCE_WEIGHT[clue.confidence] ?? 0.6) * (RELIABILITY_WEIGHT[clue.sourceReliability] ?? 0.55) * (ASSESSMENT_WEIGHT[clue.infoAssessment] ?? 0.55);
}

/** A link's score: the kind's strength (a near value's also its similarity) times both clues' weight (geometric mean). */
export function linkScore(kind: keyof typeof KIND_STRENGTH, weightA: number, weightB: number, similarity = 1): number {
  return Math.round(KIND_STRENGTH[kind] * similarity * Math.sqrt(weightA * weightB) * 10_000) / 10_000;
}
