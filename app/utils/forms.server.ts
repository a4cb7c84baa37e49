// Input becomes a typed value at the edge: zod parses it, and failures become per-field messages.
import type { z, ZodError, ZodType } from "zod";
import { findInvalidCodePoint } from "~/validation/code-points";
import { errorBody, ValidationError, type FieldErrors } from "./errors.server";
import { mediaTypeOf } from "./request.server";

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

/**
 * The 422 an edge answers for input carrying a character that cannot be stored (NUL, other controls, a lone
 * surrogate): in the API's error shape, naming the field. Thrown as a Response so that a page action, which
 * reads its form before `runAction`, answers it too rather than failing with a 500.
 */
export function invalidCodePointResponse(found: { path: (string | number)[]; message: string }): Response {
  const error = new ValidationError({ [found.path.join(".") || "_form"]: [found.message] }, found.message);
  return Response.json({ error: errorBody(error) }, { status: 422, statusText: "Unprocessable Content" });
}

/**
 * FormData to a plain object: repeated keys and keys ending in [] become arrays. A field (or field name) with
 * a character that cannot be stored is refused here, for every form, with a 422 Response.
 */
export function formToObject(formData: FormData): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const key of new Set(formData.keys())) {
    // Never a field name; assigning it would set the object's prototype instead.
    if (key === "__proto__" || key === "__proto__[]") continue;
    const values = formData.getAll(key).map((value) => (typeof value === "string" ? value : "[file refused]"));
    const name = key.endsWith("[]") ? key.slice(0, -2) : key;
    object[name] = key.endsWith("[]") || values.length > 1 ? values : values[0];
  }
  const invalid = findInvalidCodePoint(object);
  if (invalid) throw invalidCodePointResponse(invalid);
  return object;
}

/** The body types a form arrives in (a multipart one is refused at the door; tests may still send one). */
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

/**
 * A page action's form as a plain object (formToObject). A body that is no form (JSON, plain text, none) is
 * answered 415 with what the action takes: request.formData() would throw, and the action end in a 500.
 */
export async function readForm(request: Request): Promise<Record<string, unknown>> {
  if (!FORM_TYPES.has(mediaTypeOf(request.headers.get("content-type")))) {
    const message = "This page takes a form (application/x-www-form-urlencoded); for tools, use the API under /api/v1.";
    throw Response.json({ error: { code: "UNSUPPORTED_MEDIA_TYPE", message } }, { status: 415, statusText: "Unsupported Media Type" });
  }
  return formToObject(await request.formData());
}
