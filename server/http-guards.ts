// Text-only at the door: no request body that could carry a file ever reaches a route. And no cross-site
// request forgery: a browser mutation must come from one of our own origins.
import type { Request, RequestHandler, Response } from "express";
import { requestCredential } from "~/auth/session.server";
import { CLIENT_ADDRESS_HEADER, mediaTypeOf, wantsJson } from "~/utils/request.server";
import { findInvalidCodePoint, hasInvalidCodePoint } from "~/validation/code-points";

const TEXT_BODY_TYPES = ["application/x-www-form-urlencoded", "application/json", "text/plain"];
export const MAX_BODY_BYTES = 256 * 1024;

/** API and tool requests get a JSON error body, browsers plain text. */
function refuse(req: Request, res: Response, status: number, code: string, message: string, fields?: Record<string, string[]>) {
  return wantsJson(req.path, req.headers.accept)
    ? res.status(status).json({ error: { code, message, ...(fields ? { fields } : {}) } })
    : res.status(status).type("text/plain").send(message);
}

function decodedOrNull(component: string): string | null {
  try {
    return decodeURIComponent(component);
  } catch {
    return null;
  }
}

/**
 * No address carries a character that cannot be stored (NUL, other controls, a lone surrogate) past the door,
 * for pages and the API alike: in the path (where the ids are) it names nothing that exists, so 404; in the
 * query string it is invalid input, so 422 naming the parameter. Bodies are checked where they are parsed
 * (app/utils/forms.server.ts formToObject, app/utils/api.server.ts readBody), socket events by the dispatcher.
 */
export const refuseInvalidCodePointsInUrl: RequestHandler = (req, res, next) => {
  const url = req.originalUrl;
  const queryAt = url.indexOf("?");
  const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
  // "%" is the only way such a character gets into a request line (Node refuses raw control characters).
  if (pathname.includes("%")) {
    for (const segment of pathname.split("/")) {
      const decoded = decodedOrNull(segment);
      // A malformed escape (or a lone surrogate's "%ED%A0%80") does not decode: it names nothing either.
      if (decoded === null || hasInvalidCodePoint(decoded)) return refuse(req, res, 404, "NOT_FOUND", "Not found.");
    }
  }
  if (queryAt !== -1) {
    // No prototype: a parameter may be called "__proto__".
    const query: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    for (const [key, value] of new URLSearchParams(url.slice(queryAt + 1))) (query[key] ??= []).push(value);
    const invalid = findInvalidCodePoint(query);
    if (invalid) {
      const name = invalid.path.length ? String(invalid.path[0]) : "_form";
      const message = `${name === "_form" ? "A query parameter's name" : `The query parameter "${name}"`}: ${invalid.message}`;
      return refuse(req, res, 422, "VALIDATION_FAILED", message, { [name]: [invalid.message] });
    }
  }
  next();
};

export const refuseUploads: RequestHandler = (req, res, next) => {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
  const type = mediaTypeOf(req.headers["content-type"]);
  const length = Number(req.headers["content-length"] ?? 0);
  // An undeclared body could be anything: only a declared text type (or no body at all) goes on.
  if ((type && !TEXT_BODY_TYPES.includes(type)) || (!type && length > 0)) {
    return refuse(req, res, 415, "UNSUPPORTED_MEDIA_TYPE", "Cluebridge is text-only: file uploads and binary bodies are refused. Refer to media by its hash identifier.");
  }
  if (length > MAX_BODY_BYTES) return refuse(req, res, 413, "PAYLOAD_TOO_LARGE", "The request is too large for a text record.");
  // A body without a declared length (chunked) would be read in full, past the limit above.
  if (req.headers["transfer-encoding"] !== undefined) {
    return refuse(req, res, 411, "LENGTH_REQUIRED", "Send the request body with a Content-Length header (chunked bodies are refused).");
  }
  next();
};

/** Stamps the client address (never trusted from the client) for audit records; see CLIENT_ADDRESS_HEADER. */
export const stampClientAddress: RequestHandler = (req, _res, next) => {
  req.headers[CLIENT_ADDRESS_HEADER] = req.ip ?? req.socket.remoteAddress ?? "";
  next();
};

const MUTATING_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function originOf(value: string | undefined): string | null {
  if (!value || value === "null") return null;
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

/** The host Remix compares an action's Origin with: the first X-Forwarded-Host, else Host. */
function hostRemixSees(req: Request): string | undefined {
  const forwarded = req.headers["x-forwarded-host"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  return first || req.headers.host;
}

/**
 * Refuses (403) a mutating request that a browser sent from another site: its Origin (or, without one, the
 * origin of its Referer) must be one of ours. Every request judged by the session cookie is checked, whatever
 * else it carries. The one exemption is a request the API judges by its Authorization header alone
 * (`requestCredential` says "token": an /api/ path with that header, where the cookie is not read at all), so
 * adding the header to a page's POST, or to an API call meant to ride on the cookie, exempts nothing.
 * `allowedOrigins` may be a function, for origins only known once the server listens.
 */
export function checkCsrfOrigin(allowedOrigins: readonly string[] | (() => readonly string[])): RequestHandler {
  return (req, res, next) => {
    if (!MUTATING_METHODS.has(req.method)) return next();
    const credential = requestCredential(req.path, { authorization: req.headers.authorization, cookie: req.headers.cookie });
    if (credential.kind === "token") return next();
    const origin = originOf(req.headers.origin) ?? (req.headers.origin ? null : originOf(req.headers.referer));
    const allowed = typeof allowedOrigins === "function" ? allowedOrigins() : allowedOrigins;
    if (!origin || !allowed.includes(origin)) {
      return refuse(
        req,
        res,
        403,
        "CSRF_ORIGIN_REFUSED",
        "This request was refused because it did not come from a Cluebridge page (its Origin is missing or not allowed). Reload the page and try again.",
      );
    }
    // Remix checks a page action's Origin once more, against the Host the request names, and answers a
    // mismatch with a bare 500. An allowed Origin sent to another Host (a proxy that rewrites Host, a forged
    // X-Forwarded-Host) is refused here instead, saying why.
    if (!req.path.startsWith("/api/") && req.headers.origin && new URL(origin).host !== hostRemixSees(req)) {
      return refuse(
        req,
        res,
        403,
        "CSRF_HOST_MISMATCH",
        "This request was refused because its Origin does not match the address it was sent to (the Host or X-Forwarded-Host header). A reverse proxy in front of Cluebridge must pass the Host header on.",
      );
    }
    next();
  };
}
