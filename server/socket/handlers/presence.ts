// presence:viewing: which lead this socket has open. Only a lead the user may see, in this room; the answer says
// who holds it. The room hears it as a coalesced presence diff, sent only to those who may see the lead.
import { itemVisibility } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { getClaim } from "~/models/lead-room.server";
import { ValidationError } from "~/utils/errors.server";
import { presenceViewingSchema } from "~/validation/realtime";
import { stateOf } from "../auth";
import { type SocketHandlers } from "../handler";

export function registerPresenceHandlers(handlers: SocketHandlers): void {
  handlers.on("presence:viewing", presenceViewingSchema, async ({ actor, socket, realtime }, { taskforceId, leadId }) => {
    if (!stateOf(socket)?.rooms.get(taskforceId)?.rooms.length) {
      throw new ValidationError({ taskforceId: ["Join the room (room:join) before telling it what you are viewing."] });
    }
    if (!leadId) {
      realtime.setViewing(socket, taskforceId, null);
      return { claim: null };
    }
    // getClaim checks the lead is visible to the actor; it must also belong to this room.
    const claim = await getClaim(actor, leadId);
    const lead = await prisma.lead.findUnique({ where: { id: leadId }, include: { recipients: { select: { userId: true } } } });
    if (!lead || lead.taskforceId !== taskforceId) throw new ValidationError({ leadId: ["That lead is not in this room."] });
    realtime.setViewing(socket, taskforceId, { leadId, visibility: itemVisibility(lead) });
    return { claim };
  });
}
