// Leads over the socket: share with the room, create and update (the same model functions as the pages).
import { shareLead } from "~/models/lead-room.server";
import { createLead, updateLead } from "~/models/leads.server";
import { jsonSafe } from "~/models/workspace.server";
import { leadCreateEventSchema, leadShareSchema, leadUpdateEventSchema } from "~/validation/realtime";
import { handle } from "../handler";
import { feedEvent, type Realtime } from "../realtime";
import type { RealtimeSocket } from "../types";

export function registerLeadHandlers(realtime: Realtime, socket: RealtimeSocket): void {
  handle(realtime, socket, "lead:share", leadShareSchema, async ({ actor }, { leadId, note }) => feedEvent(await shareLead(actor, leadId, note ?? "")));
  handle(realtime, socket, "lead:create", leadCreateEventSchema, async ({ actor }, { caseId }, raw) => ({ item: jsonSafe(await createLead(actor, caseId, raw.lead)) }));
  handle(realtime, socket, "lead:update", leadUpdateEventSchema, async ({ actor }, { leadId }, raw) => ({ item: jsonSafe(await updateLead(actor, leadId, raw.changes)) }));
}
