// Facts about the incoming request that the domain needs (never trusted from client-sent headers).
import type { RequestOrigin } from "~/models/audit.server";

/** The client address, stamped by the server (server/http-guards.ts stampClientAddress overwrites anything the client sent). */
export const CLIENT_ADDRESS_HEADER = "x-cluebridge-client-address";

export function requestOrigin(request: Request): RequestOrigin {
  return { ip: request.headers.get(CLIENT_ADDRESS_HEADER) || null, userAgent: request.headers.get("user-agent") };
}

/** API and tool requests want JSON errors; pages want HTML. Takes the parts so Express and Fetch requests both fit. */
export function wantsJson(pathname: string, accept: string | null | undefined): boolean {
  return pathname.startsWith("/api/") || (accept ?? "").includes("application/json");
}

/** A Content-Type header's media type alone ("application/json; charset=utf-8" → "application/json"). Takes the value so Express and Fetch requests both fit. */
export function mediaTypeOf(contentType: string | null | undefined): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}
