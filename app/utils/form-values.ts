// Reading a failed action's kept input back into forms (browser-safe).
import type { FieldErrors } from "./errors.server";
import type { ActionFailure } from "./route-errors.server";

export type { FieldErrors };

/** The failure of the form with this intent (or of the page's only form), if the last submit failed. */
export function failureOf(actionData: unknown, intent?: string): ActionFailure | undefined {
  if (!actionData || typeof actionData !== "object" || (actionData as { ok?: unknown }).ok !== false) return undefined;
  const failure = actionData as ActionFailure;
  if (intent !== undefined && failure.intent !== intent) return undefined;
  return failure;
}

/** A kept text value, or the fallback when the form was not submitted yet. */
export function keptText(failure: ActionFailure | undefined, name: string, fallback = ""): string {
  if (!failure) return fallback;
  const value = failure.values[name];
  if (Array.isArray(value)) return value.map(String).join("\n");
  return value === undefined || value === null ? "" : String(value);
}

/** Kept values of a multi-value field (checkboxes, multi-select). */
export function keptList(failure: ActionFailure | undefined, name: string, fallback: readonly string[] = []): string[] {
  if (!failure) return [...fallback];
  const value = failure.values[name];
  if (value === undefined || value === null || value === "") return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/**
 * Errors for one field. Paths inside it count for the field itself; an item of a list field ("mediaRefs.1.value")
 * is named by its line, since list fields are one line per item.
 */
export function errorsFor(fields: FieldErrors | undefined, name: string): string[] | undefined {
  if (!fields) return undefined;
  const messages = Object.entries(fields)
    .filter(([key]) => key === name || key.startsWith(`${name}.`))
    .flatMap(([key, list]) => {
      const index = /^\.(\d+)(?:\.|$)/.exec(key.slice(name.length));
      return index ? list.map((message) => `Line ${Number(index[1]) + 1}: ${message}`) : list;
    });
  return messages.length ? messages : undefined;
}

/** "2026-11-23 14:39 UTC": the same on server and browser, so hydration agrees. */
export function formatDateTime(value: Date | string | null | undefined): string {
  if (!value) return "";
  const date = typeof value === "string" ? new Date(value) : value;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "14:39 UTC": the time of day alone, in the same zone as formatDateTime (every page reads times alike). */
export function formatTime(value: Date | string | null | undefined): string {
  if (!value) return "";
  const date = typeof value === "string" ? new Date(value) : value;
  return `${date.toISOString().slice(11, 16)} UTC`;
}

export function formatDate(value: Date | string | null | undefined): string {
  if (!value) return "";
  const date = typeof value === "string" ? new Date(value) : value;
  return date.toISOString().slice(0, 10);
}

/**
 * The version an edit form carries. After a refused submit it stays the version the kept input was made
 * against: Remix reloads the page's data after every action, and a form that took the reloaded version would
 * save the user's edit over a newer one (another tab's) without a conflict. After a conflict whose newer version
 * the page shows beside the edit, it is that version: saving then re-applies the edit knowingly.
 */
export function editedVersion(failure: ActionFailure | undefined, loadedVersion: number, options: { conflictShown?: boolean } = {}): number {
  if (!failure) return loadedVersion;
  const current = failure.conflict?.current;
  if (options.conflictShown && current && typeof current === "object" && typeof (current as { version?: unknown }).version === "number") {
    return (current as { version: number }).version;
  }
  const kept = Number(failure.values.version);
  return Number.isInteger(kept) && kept > 0 ? kept : loadedVersion;
}
