// Text-only at the door: no request body that could carry a file ever reaches a route.
import type { RequestHandler } from "express";

const TEXT_BODY_TYPES = ["application/x-www-form-urlencoded", "application/json", "text/plain"];
export const MAX_BODY_BYTES = 256 * 1024;

export const refuseUploads: RequestHandler = (req, res, next) => {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  const length = Number(req.headers["content-length"] ?? 0);
  const wantsJson = req.path.startsWith("/api/") || (req.headers.accept ?? "").includes("application/json");
  const refuse = (status: number, code: string, message: string) =>
    wantsJson ? res.status(status).json({ error: { code, message } }) : res.status(status).type("text/plain").send(message);
  if (type && !TEXT_BODY_TYPES.includes(type)) {
    return refuse(415, "UNSUPPORTED_MEDIA_TYPE", "Cluebridge is text-only: file uploads and binary bodies are refused. Refer to media by its hash identifier.");
  }
  if (length > MAX_BODY_BYTES) return refuse(413, "PAYLOAD_TOO_LARGE", "The request is too large for a text record.");
  next();
};

/** The client address, stamped by the server (never trusted from the client) for audit records. */
export const CLIENT_ADDRESS_HEADER = "x-cluebridge-client-address";
export const stampClientAddress: RequestHandler = (req, _res, next) => {
  req.headers[CLIENT_ADDRESS_HEADER] = req.ip ?? req.socket.remoteAddress ?? "";
  next();
};
