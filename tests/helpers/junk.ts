// Generated junk for property-based tests (fast-check): values a careless or hostile client might send.
// Shaped junk follows a JSON schema (right keys, wrong or hostile values) so it gets past "send an object"
// and reaches the fields; raw junk is whatever arrives on the wire (broken JSON, deep nesting, __proto__).
import fc from "fast-check";

export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  [key: string]: unknown;
};

/** Strings that have broken servers: NUL, lone surrogates, bidi and BOM, numeric look-alikes, prototype keys. */
const NASTY_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "x\uDFFF",
  "\uD83D",
  "😀",
  "e\u0301",
  "\u202Etxt.exe",
  "\uFEFF",
  "\uFFFF",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "null",
  "true",
  "0",
  "-1",
  "1e309",
  "NaN",
  "%00",
  "../../etc/passwd",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "${7*7}",
  "cbt_",
];

/** Short strings (path and query parts, header values are built separately). */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
);

/** Strings for bodies: the short ones, and ones far past every field's limit (under the 64 KB socket frame). */
export const bodyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.constantFrom("x".repeat(10_001), "\u0000".repeat(3_000), "😀".repeat(5_000), "\uD800".repeat(2_000)) },
);

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(0, -0, 1.5, -1, 2 ** 53, -(2 ** 53), 1e308, Number.MIN_VALUE),
  bodyString,
);

/** Any JSON value, nested a little: arrays where objects belong, objects where strings belong. */
export const junkValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(nastyString, fc.constantFrom("__proto__", "constructor")), tie("value"), { maxKeys: 4 }),
  ),
})).value;

function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> | undefined {
  if (schema.properties) return schema.properties;
  const parts = schema.allOf ?? schema.anyOf;
  if (!parts) return undefined;
  return Object.assign({}, ...parts.map((part) => propertiesOf(part) ?? {}));
}

/** Values in the shape a JSON schema describes, each part sometimes right, sometimes junk. */
export function shapedJunk(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const shaped: fc.Arbitrary<unknown>[] = [];
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (schema.enum) shaped.push(fc.constantFrom(...schema.enum));
  if (types.includes("string") && !schema.enum) shaped.push(fc.constantFrom("ABCD-1234", "Power socket type F"));
  if (types.includes("integer") || types.includes("number")) shaped.push(fc.integer({ min: -2, max: 5 }));
  if (schema.items && depth < 3) shaped.push(fc.array(shapedJunk(schema.items, depth + 1), { maxLength: 3 }));
  const properties = propertiesOf(schema);
  if (properties && depth < 3) {
    const record = Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, shapedJunk(property, depth + 1)]));
    shaped.push(fc.record(record, { requiredKeys: [] }));
  }
  if (shaped.length === 0) return junkValue;
  return fc.oneof({ weight: 1, arbitrary: junkValue }, ...shaped.map((arbitrary) => ({ weight: 2, arbitrary })));
}

/** Nesting far deeper than any schema: a parser or a walker that recurses must not fall over. */
export const deeplyNested: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 500, max: 5_000 }), fc.constantFrom("[", '{"a":'))
  .map(([depth, open]) => open.repeat(depth) + "1" + (open === "[" ? "]" : "}").repeat(depth));

/** JSON bodies that try to pollute Object.prototype in whoever parses and merges them. */
export const prototypePollution: fc.Arbitrary<string> = fc.constantFrom(
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"clue":{"__proto__":{"polluted":"yes"}},"changes":{"__proto__":{"polluted":"yes"}},"lead":{"constructor":{"prototype":{"polluted":"yes"}}}}',
  '{"evaluation":{"__proto__":{"polluted":"yes"}},"mediaRefs":[{"__proto__":{"polluted":"yes"}}]}',
);

/** Bodies as they arrive on the wire: JSON of the right shape with junk in it, other JSON, or not JSON at all. */
export function rawBody(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: (schema ? shapedJunk(schema) : junkValue).map((value) => JSON.stringify(value) ?? "null") },
    { weight: 2, arbitrary: junkValue.map((value) => JSON.stringify(value) ?? "null") },
    { weight: 1, arbitrary: fc.constantFrom("{", "[1,", '{"a":1}}', "\u0000", "undefined", "NaN", '{"a":"\\ud800"}', '{"a":"\\u0000"}', "{'a':1}", "") },
    { weight: 1, arbitrary: deeplyNested },
    { weight: 1, arbitrary: prototypePollution },
  );
}

/** A string for a URL path segment or query value: hostile text percent-encoded, or a broken escape as is. */
export const urlPart: fc.Arbitrary<string> = fc.oneof(
  nastyString.map(encodeLoosely),
  fc.constantFrom("%", "%zz", "%ED%A0%80", "%FF%FE", "%C0%AE%C0%AE", "%2e%2e", "%2F", "a%00b"),
);

/** A path segment: like urlPart, but never "." or ".." (the client's URL parser would resolve those away). */
export const pathSegment: fc.Arbitrary<string> = urlPart.filter((part) => !/^(\.|%2e){1,2}$/i.test(part) && part !== "");

/** encodeURIComponent, except that a lone surrogate is sent as the bytes a careless client would send. */
export function encodeLoosely(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text, "utf8")].map((byte) => `%${byte.toString(16).padStart(2, "0").toUpperCase()}`).join("");
  }
}
