// The per-author watch on encoded fragments: pieces of a payload that each pass the text-only guard (base64 cut
// under its threshold across several comments) are added up per author over a time window, and the write that
// completes a run is refused and audited (action "security.encoded_fragments"). Decision 015.
import type { Actor } from "~/auth/permissions.server";
import { AuditedRefusal } from "~/models/changes.server";
import { singleton } from "~/utils/singleton.server";
import { encodedFragmentBytes } from "~/validation/text-only";

/** How far back an author's fragments are added up. */
export const FRAGMENT_WINDOW_MINUTES = 15;
/** Encoded-looking bytes one author may write in that window: well under a small JPEG (~600 bytes and up). */
export const FRAGMENT_BUDGET_BYTES = 512;
/** The audit action an administrator queries for these refusals. */
export const ENCODED_FRAGMENTS_AUDIT_ACTION = "security.encoded_fragments";

export const ENCODED_FRAGMENTS_MESSAGE =
  "Cluebridge is text-only: together with what you wrote in the last 15 minutes, this adds up to a long run of encoded data split into pieces, which can carry an image or file. Refer to media by its hash identifier instead. An administrator has been told.";

interface Fragment {
  at: number;
  bytes: number;
}

/**
 * In memory, per process: cheap on the hot path (no read, no write unless a text carries encoded-looking
 * tokens) and forgotten at restart; with several app processes each watches the writes it serves.
 */
function fragmentsByAuthor(): Map<string, Fragment[]> {
  return singleton("encodedFragmentsByAuthor", () => new Map<string, Fragment[]>());
}

export interface FragmentScope {
  itemType: string;
  itemId?: string | null;
  caseId?: string | null;
  taskforceId?: string | null;
}

/**
 * Adds this write's encoded-looking bytes to the author's window; refuses the write (422 on the field that
 * completed the run, audited after the rollback) when the window's total passes FRAGMENT_BUDGET_BYTES. Call it
 * inside the write's transaction, so an idempotent replay (which writes nothing) is not counted twice.
 */
export function screenEncodedFragments(
  actor: Actor,
  fields: Record<string, string | null | undefined>,
  scope: FragmentScope,
  now = Date.now(),
): void {
  let bytes = 0;
  let heaviestField = "";
  let heaviest = 0;
  for (const [field, value] of Object.entries(fields)) {
    if (!value) continue;
    const fieldBytes = encodedFragmentBytes(value);
    bytes += fieldBytes;
    if (fieldBytes > heaviest) {
      heaviest = fieldBytes;
      heaviestField = field;
    }
  }
  if (bytes === 0) return;

  const windows = fragmentsByAuthor();
  const since = now - FRAGMENT_WINDOW_MINUTES * 60_000;
  const recent = (windows.get(actor.id) ?? []).filter((fragment) => fragment.at > since);
  const windowBytes = recent.reduce((sum, fragment) => sum + fragment.bytes, 0) + bytes;
  if (windowBytes > FRAGMENT_BUDGET_BYTES) {
    windows.set(actor.id, recent);
    throw new AuditedRefusal(
      { [heaviestField]: [ENCODED_FRAGMENTS_MESSAGE] },
      {
        action: ENCODED_FRAGMENTS_AUDIT_ACTION,
        outcome: "denied",
        itemType: scope.itemType,
        itemId: scope.itemId ?? null,
        caseId: scope.caseId ?? null,
        taskforceId: scope.taskforceId ?? null,
        details: { field: heaviestField, bytes, windowBytes, fragments: recent.length + 1, windowMinutes: FRAGMENT_WINDOW_MINUTES, budgetBytes: FRAGMENT_BUDGET_BYTES },
      },
    );
  }
  recent.push({ at: now, bytes });
  windows.set(actor.id, recent);
}
