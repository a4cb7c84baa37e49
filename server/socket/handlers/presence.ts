// presence:viewing: which lead this socket has open. Only a lead the user may see; the answer says who holds it.
import { prisma } from "~/db.server";
import { getClaim } from "~/models/lead-room.server";
import { ValidationError } from "~/utils/errors.server";
import { presenceViewingSchema } from "~/validation/realtime";
import { stateOf } from "../auth";
import { handle } from "../handler";
import type { Realtime } from "../realtime";
import type { RealtimeSocket } from "../types";

export function registerPresenceHandlers(realtime: Realtime, socket: RealtimeSocket): void {
  handle(realtime, socket, "presence:viewing", presenceViewingSchema, async ({ actor }, { taskforceId, leadId }) => {
    if (!stateOf(socket)?.rooms.has(taskforceId)) {
      throw new ValidationError({ taskforceId: ["Join the room (room:join) before telling it what you are viewing."] });
    }
    let claim = null;
    if (leadId) {
      claim = await getClaim(actor, leadId);
      // getClaim has checked the lead is visible; it must also belong to this room.
      const lead = await prisma.lead.findUnique({ where: { id: leadId }, select: { taskforceId: true } });
      if (lead?.taskforceId !== taskforceId) throw new ValidationError({ leadId: ["That lead is not in this room."] });
    }
    socket.data.viewing = leadId ? { taskforceId, leadId } : null;
    void realtime.broadcastPresence(taskforceId).catch((error) => console.error("[realtime] presence failed", error));
    return { claim };
  });
}
