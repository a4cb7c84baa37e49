// Shared plumbing of the JSON API (/api/v1): authentication, a per-token rate limit, body parsing and the one
// error shape `{ "error": { code, message, fields } }`. Each route file declares its methods with apiRoute.
import { createHash } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z, type ZodType } from "zod";
import type { Actor } from "~/auth/permissions.server";
import type { CreateOptions } from "~/models/changes.server";
import { requireActor } from "~/auth/session.server";
import { AppError, errorBody, RateLimitedError, ValidationError } from "~/utils/errors.server";
import { formToObject, invalidCodePointResponse, parseInput } from "~/utils/forms.server";
import { findInvalidCodePoint } from "~/validation/code-points";
import { singleton } from "~/utils/singleton.server";
import { CLIENT_ADDRESS_HEADER } from "~/utils/request.server";
import { idempotencyKeySchema } from "~/validation/common";

export interface ApiContext {
  request: Request;
  params: Record<string, string | undefined>;
  actor: Actor;
  url: URL;
  /** The query string parsed with the input's schema (invalid: 422 with per-field messages). */
  query<S extends ZodType>(schema: S): z.output<S>;
  /** The JSON (or form) body parsed with the input's schema: malformed JSON is a 400, invalid input a 422. */
  body<S extends ZodType>(schema: S): Promise<z.output<S>>;
  /** For creates: the `Idempotency-Key` header, so a retried POST returns the first result instead of a second item. */
  createOptions: CreateOptions;
}

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
export type ApiHandler = (ctx: ApiContext) => Promise<unknown> | unknown;

class BadRequestError extends AppError {
  constructor(message: string) {
    super("BAD_REQUEST", 400, message);
  }
}

export function apiError(error: AppError, headers?: HeadersInit): Response {
  return Response.json({ error: errorBody(error) }, { status: error.status, headers });
}

/** The loader and action of an API route: GET goes to the loader, everything else to the action. */
export function apiRoute(handlers: Partial<Record<Method, ApiHandler>>) {
  const handle = (args: LoaderFunctionArgs | ActionFunctionArgs) => runApi(args.request, args.params, handlers);
  return { loader: handle, action: handle };
}

async function runApi(request: Request, params: ApiContext["params"], handlers: Partial<Record<Method, ApiHandler>>): Promise<Response> {
  const method = request.method.toUpperCase() as Method;
  const handler = handlers[method];
  if (!handler) {
    return Response.json(
      { error: { code: "METHOD_NOT_ALLOWED", message: `Use ${Object.keys(handlers).join(", ")} on this path.` } },
      { status: 405, headers: { Allow: Object.keys(handlers).join(", ") } },
    );
  }
  try {
    checkRateLimit(rateLimitKey(request));
    const actor = await requireActor(request);
    const url = new URL(request.url);
    const createOptions = method === "POST" ? idempotencyOf(request) : {};
    const result = await handler({
      request,
      params,
      actor,
      url,
      query: (schema) => parseInput(schema, queryObject(url)),
      body: async (schema) => parseInput(schema, await readBody(request)),
      createOptions,
    });
    if (result instanceof Response) return result;
    return Response.json(result ?? null, { status: method === "POST" ? 201 : 200, headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}

const IDEMPOTENCY_HEADER = "Idempotency-Key";
// An object schema so that a refusal names the header as its field.
const idempotencyHeaderSchema = z.object({ [IDEMPOTENCY_HEADER]: idempotencyKeySchema(IDEMPOTENCY_HEADER) });

/** The POST's idempotency key (optional); a malformed one is refused before anything is written. */
function idempotencyOf(request: Request): CreateOptions {
  const header = request.headers.get(IDEMPOTENCY_HEADER);
  if (header === null) return {};
  const { [IDEMPOTENCY_HEADER]: idempotencyKey } = parseInput(idempotencyHeaderSchema, { [IDEMPOTENCY_HEADER]: header });
  return { idempotencyKey, keyField: IDEMPOTENCY_HEADER };
}

export function errorResponse(error: unknown): Response {
  if (error instanceof Response) return error;
  if (error instanceof RateLimitedError) return apiError(error, { "Retry-After": String(error.retryAfterSeconds) });
  if (error instanceof AppError) return apiError(error);
  console.error("Unexpected API error", error);
  return Response.json({ error: { code: "INTERNAL", message: "Something went wrong on the server. Nothing was saved." } }, { status: 500 });
}

export function queryObject(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length > 1 ? values : values[0];
  }
  return query;
}

/** JSON (or a URL-encoded form) as an object; malformed JSON is a 400 with a clear message, never a 500. */
export async function readBody(request: Request): Promise<Record<string, unknown>> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") return formToObject(await request.formData());
  const text = await request.text();
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`The request body is not valid JSON (${(error as Error).message}). Send a JSON object with Content-Type: application/json.`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ValidationError({ _form: ["The request body must be a JSON object."] });
  }
  // Nested values and keys alike: "\u0000" or a lone "\uD800" in JSON must never reach the database.
  const invalid = findInvalidCodePoint(parsed);
  if (invalid) throw invalidCodePointResponse(invalid);
  return parsed as Record<string, unknown>;
}

// A simple fixed-window limiter per token (or session, or address): enough to stop a runaway script.
interface Window {
  startedAt: number;
  count: number;
}
const windows = singleton("apiRateLimitWindows", () => new Map<string, Window>());
const WINDOW_MS = 60_000;

export function rateLimitPerMinute(): number {
  return Number(process.env.API_RATE_LIMIT_PER_MINUTE ?? 600);
}

function rateLimitKey(request: Request): string {
  const credential = request.headers.get("authorization") ?? request.headers.get("cookie") ?? request.headers.get(CLIENT_ADDRESS_HEADER) ?? "anonymous";
  return createHash("sha256").update(credential).digest("hex");
}

export function checkRateLimit(key: string, now = Date.now()): void {
  const limit = rateLimitPerMinute();
  let window = windows.get(key);
  if (!window || now - window.startedAt >= WINDOW_MS) {
    if (windows.size > 10_000) for (const [k, w] of windows) if (now - w.startedAt >= WINDOW_MS) windows.delete(k);
    window = { startedAt: now, count: 0 };
    windows.set(key, window);
  }
  window.count += 1;
  if (window.count > limit) {
    throw new RateLimitedError(`Too many requests: at most ${limit} a minute per token. Wait a moment and try again.`, Math.ceil((window.startedAt + WINDOW_MS - now) / 1000));
  }
}

/** A path parameter, or 404 when it is missing. */
export function param(ctx: ApiContext, name: string): string {
  const value = ctx.params[name];
  if (!value) throw new AppError("NOT_FOUND", 404, "Not found.");
  return value;
}

const REVIEWABLE_COLLECTIONS = { clues: "CLUE", leads: "LEAD" } as const;

/** `clues` or `leads` from the path; any other collection is simply not there. */
export function reviewableItemType(ctx: ApiContext): "CLUE" | "LEAD" {
  const collection = param(ctx, "collection");
  if (!Object.hasOwn(REVIEWABLE_COLLECTIONS, collection)) throw new AppError("NOT_FOUND", 404, "Not found.");
  return REVIEWABLE_COLLECTIONS[collection as keyof typeof REVIEWABLE_COLLECTIONS];
}
