// TLP 2.0 handling codes: their order of strictness, their labels and which of them may go to liaison review,
// declared once. Browser-safe (forms and badges use it); app/auth/permissions.server.ts re-exports it.
import type { HandlingCode } from "@prisma/client";

/** Strictest first: the order of the database enum, of the permission rules and of every picker. */
export const HANDLING_CODES = ["RED", "AMBER_STRICT", "AMBER", "GREEN", "CLEAR"] as const satisfies readonly HandlingCode[];
export type HandlingCodeName = (typeof HANDLING_CODES)[number];

export const HANDLING_CODE_LABELS: Record<HandlingCodeName, string> = {
  RED: "TLP:RED",
  AMBER_STRICT: "TLP:AMBER+STRICT",
  AMBER: "TLP:AMBER",
  GREEN: "TLP:GREEN",
  CLEAR: "TLP:CLEAR",
};

export function codeLabel(code: HandlingCodeName): string {
  return HANDLING_CODE_LABELS[code];
}

/** The strictest of the codes (undefined for none): a lead is at least as strict as the clues it cites. */
export function strictest(codes: readonly HandlingCodeName[]): HandlingCodeName | undefined {
  return [...codes].sort((a, b) => HANDLING_CODES.indexOf(a) - HANDLING_CODES.indexOf(b))[0];
}

/** True when `to` is a less strict code than `from` (lowering needs the author or a coordinator). */
export function isLowering(from: HandlingCodeName, to: HandlingCodeName): boolean {
  return HANDLING_CODES.indexOf(to) > HANDLING_CODES.indexOf(from);
}

/** The codes looser than `code`, e.g. the leads to raise when a cited clue becomes `code`. */
export function looserThan(code: HandlingCodeName): HandlingCodeName[] {
  return HANDLING_CODES.slice(HANDLING_CODES.indexOf(code) + 1);
}

/** Only items that may leave the taskforce go to liaison review: TLP:GREEN and TLP:CLEAR. */
export function isReviewableCode(code: HandlingCodeName): boolean {
  return code === "GREEN" || code === "CLEAR";
}
