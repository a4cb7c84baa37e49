// Leads over the socket: share with the room, create and update (the same model functions as the pages).
import { shareLead } from "~/models/lead-room.server";
import { createLead, updateLead } from "~/models/leads.server";
import { jsonSafe } from "~/utils/json";
import { leadCreateEventSchema, leadShareSchema, leadUpdateEventSchema } from "~/validation/realtime";
import { type SocketHandlers, socketCreate } from "../handler";
import { feedEvent } from "../realtime";

export function registerLeadHandlers(handlers: SocketHandlers): void {
  handlers.on(
    "lead:share",
    leadShareSchema,
    async ({ actor }, { leadId, note, clientEventId }) => feedEvent(await shareLead(actor, leadId, note ?? "", socketCreate(clientEventId))),
    { recheckAfterWrite: true },
  );
  handlers.on("lead:create", leadCreateEventSchema, async ({ actor }, { caseId, lead, clientEventId }) => ({
    item: await createLead(actor, caseId, lead, socketCreate(clientEventId)),
  }));
  handlers.on("lead:update", leadUpdateEventSchema, async ({ actor }, { leadId, changes }) => ({ item: jsonSafe(await updateLead(actor, leadId, changes)) }));
}
