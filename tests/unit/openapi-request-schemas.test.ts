// The document's request schemas are generated from the zod schemas the API parses with; this keeps the two
// from drifting where generation cannot see: a preprocess step (null taken as "not given", coercion of a
// boolean to a number) makes zod accept JSON the document forbids. Anything the server accepts in a JSON
// body must be valid against the document. (Strings are left out: forms spell every value as text, and enums
// are matched case-insensitively, which the document's description says.)
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { buildOpenApiDocument, REQUEST_BODY_SCHEMAS } from "~/utils/openapi.server";

type JsonSchema = { type?: string; enum?: unknown[]; properties?: Record<string, JsonSchema>; items?: JsonSchema; [key: string]: unknown };

/** The object schema under a preprocess step (createClueSchema nests a flat form's evaluation first). */
function shapeOf(schema: z.ZodType): Record<string, z.ZodType> {
  let current = schema as unknown as { _zod: { def: { type: string; out?: unknown } }; shape?: Record<string, z.ZodType> };
  while (current._zod.def.type === "pipe") current = current._zod.def.out as typeof current;
  if (!current.shape) throw new Error("not an object schema");
  return current.shape;
}

const notString = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant([]), fc.constant({}));

/** JSON values shaped after a property's documented schema, with non-string junk at every level. */
function valuesFor(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const shaped: fc.Arbitrary<unknown>[] = [];
  if (schema.enum) shaped.push(fc.constantFrom(...schema.enum));
  if (schema.type === "string" && !schema.enum) shaped.push(fc.constant("ABCD-1234"));
  if (schema.type === "integer" || schema.type === "number") shaped.push(fc.integer({ min: -2, max: 5 }));
  if (schema.type === "array" && schema.items && depth < 3) shaped.push(fc.array(valuesFor(schema.items, depth + 1), { maxLength: 3 }));
  if (schema.type === "object" && schema.properties && depth < 3) {
    const record = Object.fromEntries(Object.entries(schema.properties).map(([key, property]) => [key, valuesFor(property, depth + 1)]));
    shaped.push(fc.record(record, { requiredKeys: [] }));
  }
  return fc.oneof(notString, fc.array(notString, { maxLength: 2 }), ...shaped);
}

describe("the OpenAPI request schemas", () => {
  const document = buildOpenApiDocument();
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  addFormats(ajv);

  for (const [name, schema] of Object.entries(REQUEST_BODY_SCHEMAS)) {
    const documented = document.components.schemas[name] as JsonSchema;
    for (const [property, fieldSchema] of Object.entries(shapeOf(schema))) {
      it(`${name}.${property}: what the server accepts, the document allows`, () => {
        const propertySchema = documented.properties?.[property];
        expect(propertySchema, `${name}.${property} is documented`).toBeDefined();
        const validate = ajv.compile(propertySchema!);
        fc.assert(
          fc.property(valuesFor(propertySchema!), (value) => {
            if (!fieldSchema.safeParse(value).success) return true;
            return validate(value);
          }),
          { seed: 20261201, numRuns: 300 },
        );
      });
    }
  }
});
