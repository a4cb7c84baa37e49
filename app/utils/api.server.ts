// Shared plumbing of the JSON API (/api/v1): authentication, a per-identity rate limit, body parsing and the one
// error shape `{ "error": { code, message, fields } }`. Each route file declares its methods with apiRoute.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z, type ZodType } from "zod";
import { isRestrictedApiPath, mayReachApiPath, type Actor } from "~/auth/permissions.server";
import type { CreateOptions } from "~/models/changes.server";
import { hashSessionId, requestCredential, requireApiCaller } from "~/auth/session.server";
import { hashToken } from "~/models/tokens.server";
import { AppError, errorBody, NotFoundError, RateLimitedError, ValidationError } from "~/utils/errors.server";
import { formToObject, invalidCodePointResponse, parseInput } from "~/utils/forms.server";
import { findInvalidCodePoint } from "~/validation/code-points";
import { singleton } from "~/utils/singleton.server";
import { limitStore } from "~/utils/limit-store.server";
import { CLIENT_ADDRESS_HEADER, mediaTypeOf } from "~/utils/request.server";
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

/**
 * A successful answer before it becomes a Response: the JSON value, status and headers. Remix gets it as
 * `Response.json`; server/api-dispatch.ts writes the same bytes straight to the socket (decision 018), as a bare
 * Express route does, instead of encoding a Response's body stream and reading it back.
 */
export interface ApiJsonOutcome {
  body: unknown;
  status: number;
  headers: Record<string, string>;
}

/** What an API route's request comes to: a JSON answer, or a Response (errors, 405, a handler's own Response). */
export type ApiOutcome = Response | ApiJsonOutcome;

/**
 * Marks the loader and action `apiRoute` makes and carries their outcome-returning form: server/api-dispatch.ts
 * calls it directly, past Remix's request pipeline (decision 018); it answers every request and every error
 * itself. A registered symbol, so the server's module graph and the Remix build's agree on it.
 */
export const API_ROUTE_MARK: unique symbol = Symbol.for("cluebridge.apiRoute") as never;

export type ApiRun = (request: Request, params: ApiContext["params"]) => Promise<ApiOutcome>;

/** The loader and action of an API route: GET goes to the loader, everything else to the action. */
export function apiRoute(handlers: Partial<Record<Method, ApiHandler>>) {
  const run: ApiRun = (request, params) => runApi(request, params, handlers);
  const handle = Object.assign(async (args: LoaderFunctionArgs | ActionFunctionArgs) => toResponse(await run(args.request, args.params)), { [API_ROUTE_MARK]: run });
  return { loader: handle, action: handle };
}

export function toResponse(outcome: ApiOutcome): Response {
  return outcome instanceof Response ? outcome : Response.json(outcome.body, { status: outcome.status, headers: outcome.headers });
}

async function runApi(request: Request, params: ApiContext["params"], handlers: Partial<Record<Method, ApiHandler>>): Promise<ApiOutcome> {
  const method = request.method.toUpperCase() as Method;
  const handler = handlers[method];
  const url = new URL(request.url);
  // A path that may not exist for everyone (/api/v1/admin) is judged after authentication and before anything
  // else, the 405 included, so that no answer confirms it to a caller who may not reach it.
  const restricted = isRestrictedApiPath(url.pathname);
  if (!handler && !restricted) return methodNotAllowed(handlers);
  try {
    const actor = await authenticateWithinLimit(request, url);
    if (restricted && !mayReachApiPath(actor, url.pathname)) throw new NotFoundError("No such API endpoint. See /api/v1/openapi.json.");
    if (!handler) return methodNotAllowed(handlers);
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
    return { body: result ?? null, status: method === "POST" ? 201 : 200, headers: { "cache-control": "no-store" } };
  } catch (error) {
    return errorResponse(error);
  }
}

function methodNotAllowed(handlers: Partial<Record<Method, ApiHandler>>): Response {
  return Response.json(
    { error: { code: "METHOD_NOT_ALLOWED", message: `Use ${Object.keys(handlers).join(", ")} on this path.` } },
    { status: 405, headers: { Allow: Object.keys(handlers).join(", ") } },
  );
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
    // Never a field name; assigning it would set the object's prototype instead.
    if (key === "__proto__") continue;
    const values = url.searchParams.getAll(key);
    query[key] = values.length > 1 ? values : values[0];
  }
  return query;
}

/** JSON (or a URL-encoded form) as an object; malformed JSON is a 400 with a clear message, never a 500. */
export async function readBody(request: Request): Promise<Record<string, unknown>> {
  if (mediaTypeOf(request.headers.get("content-type")) === "application/x-www-form-urlencoded") return formToObject(await request.formData());
  const text = await request.text();
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // Where, not what: the parser's message quotes the body, which may be the bytes of a file sent as JSON.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    const where = position === undefined ? "" : ` (at character ${position})`;
    throw new BadRequestError(`The request body is not valid JSON${where}. Send a JSON object with Content-Type: application/json.`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ValidationError({ _form: ["The request body must be a JSON object."] });
  }
  // Nested values and keys alike: "\u0000" or a lone "\uD800" in JSON must never reach the database.
  const invalid = findInvalidCodePoint(parsed);
  if (invalid) throw invalidCodePointResponse(invalid);
  return parsed as Record<string, unknown>;
}

// A fixed-window limiter, enough to stop a runaway script. It counts per identity, never per header text: a
// token's requests under the token's id, a browser session's under its user's id, however the header is
// spelled or whatever else the Cookie header carries; requests that fail to authenticate under the client
// address. The limit is checked before any database work for a credential seen lately (the common case). The
// counts live in the limit store: this process's memory, or Redis shared by every node (decision 014).
/** A credential's digest (the same SHA-256 its table stores) to the identity it authenticated as lately. */
const identities = singleton("apiRateLimitIdentities", () => new Map<string, string>());
const WINDOW_MS = 60_000;
const MAX_TRACKED = 10_000;
const KEY_PREFIX = "api:";

export function rateLimitPerMinute(): number {
  return Number(process.env.API_RATE_LIMIT_PER_MINUTE ?? 600);
}

/** What the credential is, canonically: the digest of the token or session id itself, not of the header. */
function credentialDigest(url: URL, request: Request): string | null {
  const credential = requestCredential(url.pathname, { authorization: request.headers.get("authorization"), cookie: request.headers.get("cookie") });
  if (credential.kind === "token") return credential.token ? `token:${hashToken(credential.token)}` : null;
  return credential.kind === "session" ? `session:${hashSessionId(credential.sessionId)}` : null;
}

/**
 * The caller's actor, counted against its identity's limit; a request that fails to authenticate (no
 * credential, an unknown, malformed, revoked or expired one) is counted against the client address instead,
 * and once the address is over the limit its unrecognised credentials are refused (429) without being looked up.
 */
async function authenticateWithinLimit(request: Request, url: URL): Promise<Actor> {
  const addressKey = `address:${request.headers.get(CLIENT_ADDRESS_HEADER) || "unknown"}`;
  const digest = credentialDigest(url, request);
  const known = digest ? identities.get(digest) : undefined;
  if (known) await checkRateLimit(known);
  else await checkRateLimit(addressKey, { count: false });
  let identity: string;
  let actor: Actor;
  try {
    ({ actor, identity } = await requireApiCaller(request));
  } catch (error) {
    if (digest) identities.delete(digest);
    await checkRateLimit(addressKey);
    throw error;
  }
  if (identity !== known) {
    if (digest) {
      if (identities.size >= MAX_TRACKED) identities.clear();
      identities.set(digest, identity);
    }
    await checkRateLimit(identity);
  }
  return actor;
}

/** Forgets every count kept in this process (tests start from a clean slate). */
export function resetApiRateLimits(): void {
  limitStore().clear(KEY_PREFIX);
  identities.clear();
}

/** Counts one request under `key` (unless `count` is false) and throws RateLimitedError over the limit. */
export async function checkRateLimit(key: string, { count = true }: { count?: boolean } = {}): Promise<void> {
  const limit = rateLimitPerMinute();
  const window = await limitStore().fixedWindow(KEY_PREFIX + key, WINDOW_MS, count ? 1 : 0);
  if (window.count > limit || (!count && window.count >= limit)) {
    const retryAfterSeconds = Math.max(1, Math.ceil(window.resetInMs / 1000));
    throw new RateLimitedError(`Too many requests: at most ${limit} a minute per access token or signed-in user (and per address for requests that fail to authenticate). Wait a moment and try again.`, retryAfterSeconds);
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
