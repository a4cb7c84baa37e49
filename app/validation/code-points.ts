// Characters no input may carry: PostgreSQL cannot store NUL in text ("invalid byte sequence for encoding UTF8:
// 0x00") and the rest are never typed by a person. Every edge refuses them before anything reaches a model.
// Browser-safe: no server imports.
import { z } from "zod";

/**
 * C0 controls other than tab, LF and CR; lone surrogates (with the `u` flag a character class matches a
 * surrogate only when it is unpaired: "\uD83D\uDE00" passes, "\uD800" alone does not); U+FFFE and U+FFFF.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's whole purpose
const INVALID_CODE_POINT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/u;

export const INVALID_CODE_POINT_MESSAGE =
  "Contains a character that cannot be stored (a control character such as U+0000, an unpaired surrogate, or U+FFFE/U+FFFF). Remove it and try again.";

export function hasInvalidCodePoint(text: string): boolean {
  return INVALID_CODE_POINT.test(text);
}

/** Deeper than any input we accept; a payload nested further is refused whole rather than walked. */
const MAX_DEPTH = 64;

/**
 * The path of the first string (or object key) in a JSON-like value that carries an invalid code point, or
 * null. A refused key is reported at the path of its object.
 */
export function findInvalidCodePoint(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; message: string } | null {
  if (typeof value === "string") return hasInvalidCodePoint(value) ? { path, message: INVALID_CODE_POINT_MESSAGE } : null;
  if (value === null || typeof value !== "object") return null;
  if (path.length >= MAX_DEPTH) return { path, message: "This value is nested too deeply." };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findInvalidCodePoint(value[index], [...path, index]);
      if (found) return found;
    }
    return null;
  }
  for (const [key, child] of Object.entries(value)) {
    if (hasInvalidCodePoint(key)) return { path, message: `A field name: ${INVALID_CODE_POINT_MESSAGE}` };
    const found = findInvalidCodePoint(child, [...path, key]);
    if (found) return found;
  }
  return null;
}

/** For schemas, so that a model called directly (not through an edge) refuses them too. */
export function refuseInvalidCodePoints<T extends z.ZodType<string, unknown>>(schema: T): T {
  return schema.refine((text) => !hasInvalidCodePoint(text), { message: INVALID_CODE_POINT_MESSAGE }) as unknown as T;
}
