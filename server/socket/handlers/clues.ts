// Clues over the socket: the same model functions (and so the same checks and audit) as the clue pages.
import { itemOf, oncePerClientEvent } from "~/models/client-events.server";
import { createClue, updateClue } from "~/models/clues.server";
import { jsonSafe } from "~/models/workspace.server";
import { clueCreateEventSchema, clueUpdateEventSchema } from "~/validation/realtime";
import { handle } from "../handler";
import type { Realtime } from "../realtime";
import type { RealtimeSocket } from "../types";

export function registerClueHandlers(realtime: Realtime, socket: RealtimeSocket): void {
  handle(realtime, socket, "clue:create", clueCreateEventSchema, async ({ actor }, { caseId, clientEventId }, raw) => ({
    item: await oncePerClientEvent(actor, clientEventId, { type: "clue.created" }, async () => jsonSafe(await createClue(actor, caseId, raw.clue, { clientEventId })), itemOf),
  }));
  handle(realtime, socket, "clue:update", clueUpdateEventSchema, async ({ actor }, { clueId }, raw) => ({ item: jsonSafe(await updateClue(actor, clueId, raw.changes)) }));
}
