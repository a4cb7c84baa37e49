// Domain errors every entry point maps the same way: pages to responses, the API to JSON, sockets to acks.
export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly fields?: FieldErrors,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Also what a caller gets for anything it may not see: existence is never disclosed. */
export class NotFoundError extends AppError {
  constructor(message = "Not found.") {
    super("NOT_FOUND", 404, message);
  }
}

/** For an item the caller may see but may not change this way. */
export class ForbiddenError extends AppError {
  constructor(message = "You do not have permission to do that.") {
    super("FORBIDDEN", 403, message);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = "Sign in to continue.") {
    super("UNAUTHENTICATED", 401, message);
  }
}

export class ValidationError extends AppError {
  constructor(fields: FieldErrors, message = "Some fields need attention.") {
    super("VALIDATION_FAILED", 422, message, fields);
  }
}

/** A stale edit: `current` is the newer stored version the caller should see. */
export class ConflictError extends AppError {
  constructor(message: string, readonly current?: unknown) {
    super("STALE_VERSION", 409, message, undefined, current === undefined ? undefined : { current });
  }
}

export class RateLimitedError extends AppError {
  constructor(message = "Too many requests. Wait a moment and try again.", readonly retryAfterSeconds = 60) {
    super("RATE_LIMITED", 429, message);
  }
}

/** The shape every API error body and socket ack error takes. */
export function errorBody(error: AppError) {
  return {
    code: error.code,
    message: error.message,
    ...(error.fields ? { fields: error.fields } : {}),
    ...(error.details ? error.details : {}),
  };
}
