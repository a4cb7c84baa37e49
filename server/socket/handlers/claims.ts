// Claims: "I am working this lead". Everyone who may see the lead sees the claim live (lead:claimed / lead:released).
import { claimLead, getClaim, reassignClaim, releaseLead } from "~/models/lead-room.server";
import { leadClaimSchema, leadReassignClaimSchema } from "~/validation/realtime";
import { type SocketHandlers } from "../handler";

export function registerClaimHandlers(handlers: SocketHandlers): void {
  handlers.on("lead:claim", leadClaimSchema, ({ actor }, { leadId }) => claimLead(actor, leadId));
  handlers.on("lead:release", leadClaimSchema, ({ actor }, { leadId }) => releaseLead(actor, leadId));
  handlers.on("lead:reassignClaim", leadReassignClaimSchema, ({ actor }, { leadId, toUserId }) => reassignClaim(actor, leadId, toUserId));
  handlers.on("lead:getClaim", leadClaimSchema, ({ actor }, { leadId }) => getClaim(actor, leadId));
}
