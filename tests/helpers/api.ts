// A JSON API client for one user against a test server: `await as.analyst("POST", "/cases/x/clues", body)`.
// Its responses pass through the OpenAPI contract check like every other /api/v1 fetch (setup.ts).
import type { Actor } from "~/auth/permissions.server";
import { createAccessToken } from "./edge";

// Response bodies are whatever the server sent; the assertions say what they must contain.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiCaller {
  (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Json; text: string }>;
}

/** Calls /api/v1 with a fresh personal access token of the actor; a string body is sent as it is. */
export async function apiCallerFor(serverUrl: string, actor: Actor): Promise<ApiCaller> {
  const { token } = await createAccessToken(actor, { name: "api test", days: 7 });
  return async (method, path, body, headers = {}) => {
    const response = await fetch(`${serverUrl}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, text };
  };
}
