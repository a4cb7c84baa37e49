// Clues over the socket: the same model functions (and so the same checks and audit) as the clue pages.
import { createClue, updateClue } from "~/models/clues.server";
import { jsonSafe } from "~/utils/json";
import { clueCreateEventSchema, clueUpdateEventSchema } from "~/validation/realtime";
import { type SocketHandlers, socketCreate } from "../handler";

export function registerClueHandlers(handlers: SocketHandlers): void {
  handlers.on("clue:create", clueCreateEventSchema, async ({ actor }, { caseId, clue, clientEventId }) => ({
    item: await createClue(actor, caseId, clue, socketCreate(clientEventId)),
  }));
  handlers.on("clue:update", clueUpdateEventSchema, async ({ actor }, { clueId, changes }) => ({ item: jsonSafe(await updateClue(actor, clueId, changes)) }));
}
