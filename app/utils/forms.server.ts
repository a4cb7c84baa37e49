// Input becomes a typed value at the edge: zod parses it, and failures become per-field messages.
import type { z, ZodError, ZodType } from "zod";
import { ValidationError, type FieldErrors } from "./errors.server";

export function fieldErrorsOf(error: ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_form";
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

/** Parses or throws ValidationError with per-field messages. */
export function parseInput<S extends ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrorsOf(result.error));
  return result.data;
}

/** FormData to a plain object: repeated keys and keys ending in [] become arrays. */
export function formToObject(formData: FormData): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const key of new Set(formData.keys())) {
    const values = formData.getAll(key).map((value) => (typeof value === "string" ? value : "[file refused]"));
    const name = key.endsWith("[]") ? key.slice(0, -2) : key;
    object[name] = key.endsWith("[]") || values.length > 1 ? values : values[0];
  }
  return object;
}
