// Facts about the incoming request that the domain needs (never trusted from client-sent headers).
import type { RequestOrigin } from "~/models/audit.server";

// Set by server/http-guards.ts stampClientAddress, which overwrites anything the client sent.
const CLIENT_ADDRESS_HEADER = "x-cluebridge-client-address";

export function requestOrigin(request: Request): RequestOrigin {
  return { ip: request.headers.get(CLIENT_ADDRESS_HEADER) || null, userAgent: request.headers.get("user-agent") };
}

/** API and tool requests want JSON errors; pages want HTML. */
export function wantsJson(request: Request): boolean {
  return new URL(request.url).pathname.startsWith("/api/") || (request.headers.get("accept") ?? "").startsWith("application/json");
}
