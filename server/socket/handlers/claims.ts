// Claims: "I am working this lead". Everyone who may see the lead sees the claim live (lead:claimed / lead:released).
import { claimLead, getClaim, reassignClaim, releaseLead } from "~/models/lead-room.server";
import { leadClaimSchema, leadReassignClaimSchema } from "~/validation/realtime";
import { handle } from "../handler";
import type { Realtime } from "../realtime";
import type { RealtimeSocket } from "../types";

export function registerClaimHandlers(realtime: Realtime, socket: RealtimeSocket): void {
  handle(realtime, socket, "lead:claim", leadClaimSchema, ({ actor }, { leadId }) => claimLead(actor, leadId));
  handle(realtime, socket, "lead:release", leadClaimSchema, ({ actor }, { leadId }) => releaseLead(actor, leadId));
  handle(realtime, socket, "lead:reassignClaim", leadReassignClaimSchema, ({ actor }, { leadId, toUserId }) => reassignClaim(actor, leadId, toUserId));
  handle(realtime, socket, "lead:getClaim", leadClaimSchema, ({ actor }, { leadId }) => getClaim(actor, leadId));
}
