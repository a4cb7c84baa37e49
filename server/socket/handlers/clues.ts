// Clues over the socket: the same model functions (and so the same checks and audit) as the clue pages.
import { createClue, updateClue } from "~/models/clues.server";
import { jsonSafe } from "~/utils/json";
import { clueCreateEventSchema, clueUpdateEventSchema } from "~/validation/realtime";
import { handle, socketCreate } from "../handler";
import type { Realtime } from "../realtime";
import type { RealtimeSocket } from "../types";

export function registerClueHandlers(realtime: Realtime, socket: RealtimeSocket): void {
  handle(realtime, socket, "clue:create", clueCreateEventSchema, async ({ actor }, { caseId, clue, clientEventId }) => ({
    item: await createClue(actor, caseId, clue, socketCreate(clientEventId)),
  }));
  handle(realtime, socket, "clue:update", clueUpdateEventSchema, async ({ actor }, { clueId, changes }) => ({ item: jsonSafe(await updateClue(actor, clueId, changes)) }));
}
