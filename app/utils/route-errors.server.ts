// Domain errors to page responses, the same way for every loader and action: hidden means 404, bad input means
// 422 with the user's input kept, a stale edit means 409 with the newer version beside the user's.
import { data } from "@remix-run/node";
import { AppError, ConflictError, NotFoundError, ValidationError, type FieldErrors } from "./errors.server";

/** What a failed action hands back to its page: per-field messages and everything the user typed. */
export interface ActionFailure {
  ok: false;
  /** Which form on the page failed, when a page has several. */
  intent: string | null;
  fields: FieldErrors;
  values: Record<string, unknown>;
  formError: string | null;
  conflict: { message: string; current: unknown } | null;
}

/** A failure carrying the submitted `values` (its intent read from them) and what went wrong. */
export function actionFailure(values: Record<string, unknown>, patch: Partial<ActionFailure>): ActionFailure {
  const intent = typeof values.intent === "string" ? values.intent : null;
  return { ok: false, intent, fields: {}, values, formError: null, conflict: null, ...patch };
}

function notFound(): never {
  throw new Response("Not found", { status: 404, statusText: "Not Found" });
}

/**
 * Runs an action body. Hidden or missing items throw a 404 response (the root error boundary says "Not
 * found"); validation, permission, rate-limit and stale-version errors become an ActionFailure the form shows.
 */
export async function runAction<T>(values: Record<string, unknown>, run: () => Promise<T>) {
  try {
    return await run();
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    if (error instanceof ValidationError) {
      return data(actionFailure(values, { fields: error.fields ?? {}, formError: error.message }), { status: 422 });
    }
    if (error instanceof ConflictError) {
      return data(actionFailure(values, { conflict: { message: error.message, current: error.current ?? null } }), { status: 409 });
    }
    if (error instanceof AppError && error.status < 500 && error.status !== 401) {
      return data(actionFailure(values, { formError: error.message }), { status: error.status });
    }
    throw error;
  }
}

/** A check to pass before an action reads anything of the request (its body included): failing it is a 404. */
export function guardPage(check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

/** Runs a loader body: anything the user may not see is a 404, whatever the reason. */
export async function runLoader<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    // Only a hand-edited address gets here (e.g. a broken page cursor).
    if (error instanceof ValidationError) throw new Response(Object.values(error.fields ?? {}).flat().join(" ") || error.message, { status: 400, statusText: "Bad Request" });
    if (error instanceof AppError && error.status === 403) {
      throw new Response(error.message, { status: 403, statusText: "Forbidden" });
    }
    throw error;
  }
}
