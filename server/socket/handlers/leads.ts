// Leads over the socket: share with the room, create and update (the same model functions as the pages).
import { itemOf, oncePerClientEvent } from "~/models/client-events.server";
import { shareLead } from "~/models/lead-room.server";
import { createLead, updateLead } from "~/models/leads.server";
import { jsonSafe } from "~/models/workspace.server";
import { leadCreateEventSchema, leadShareSchema, leadUpdateEventSchema } from "~/validation/realtime";
import { handle } from "../handler";
import { feedEvent, type Realtime } from "../realtime";
import type { RealtimeSocket } from "../types";

export function registerLeadHandlers(realtime: Realtime, socket: RealtimeSocket): void {
  handle(realtime, socket, "lead:share", leadShareSchema, async ({ actor }, { leadId, note, clientEventId }) =>
    feedEvent(await shareLead(actor, leadId, note ?? "", { clientEventId })));
  handle(realtime, socket, "lead:create", leadCreateEventSchema, async ({ actor }, { caseId, clientEventId }, raw) => ({
    item: await oncePerClientEvent(actor, clientEventId, { type: "lead.created" }, async () => jsonSafe(await createLead(actor, caseId, raw.lead, { clientEventId })), itemOf),
  }));
  handle(realtime, socket, "lead:update", leadUpdateEventSchema, async ({ actor }, { leadId }, raw) => ({ item: jsonSafe(await updateLead(actor, leadId, raw.changes)) }));
}
