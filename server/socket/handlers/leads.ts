// Leads over the socket: share with the room, create and update (the same model functions as the pages).
import { shareLead } from "~/models/lead-room.server";
import { createLead, updateLead } from "~/models/leads.server";
import { jsonSafe } from "~/utils/json";
import { leadCreateEventSchema, leadShareSchema, leadUpdateEventSchema } from "~/validation/realtime";
import { handle, socketCreate } from "../handler";
import { feedEvent, type Realtime } from "../realtime";
import type { RealtimeSocket } from "../types";

export function registerLeadHandlers(realtime: Realtime, socket: RealtimeSocket): void {
  handle(realtime, socket, "lead:share", leadShareSchema, async ({ actor }, { leadId, note, clientEventId }) =>
    feedEvent(await shareLead(actor, leadId, note ?? "", socketCreate(clientEventId))));
  handle(realtime, socket, "lead:create", leadCreateEventSchema, async ({ actor }, { caseId, lead, clientEventId }) => ({
    item: await createLead(actor, caseId, lead, socketCreate(clientEventId)),
  }));
  handle(realtime, socket, "lead:update", leadUpdateEventSchema, async ({ actor }, { leadId, changes }) => ({ item: jsonSafe(await updateLead(actor, leadId, changes)) }));
}
