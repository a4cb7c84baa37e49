// room:join / room:leave. A join replays what the socket missed from the room log, then hands over to live
// delivery at exactly the event this node delivered last, so nothing is lost or repeated at the seam; live
// events then reach the socket through its audiences' Socket.IO rooms.
import { loadMemberActor, requirePermission } from "~/auth/permissions.server";
import { auditRead } from "~/models/changes.server";
import { eventsSince, type StoredRoomEvent } from "~/models/rooms.server";
import { NotFoundError } from "~/utils/errors.server";
import { roomJoinSchema, roomLeaveSchema } from "~/validation/realtime";
import { type SocketHandlers } from "../handler";
import { feedEvent } from "../realtime";

/** A first join (no lastEventId) gets the events of the last RECENT_WINDOW seqs as a backlog. */
export const RECENT_WINDOW = 100;
const REPLAY_PAGE = 500;
/** At most this many events in one join ack; the client joins again with the new lastEventId for the rest. */
export const MAX_REPLAY = 2_000;

export function registerRoomHandlers(handlers: SocketHandlers): void {
  handlers.on("room:join", roomJoinSchema, async ({ actor: snapshot, socket, realtime }, { taskforceId, lastEventId }) => {
    requirePermission(snapshot, "room:join", { type: "taskforce", taskforceId });
    // Membership is read from the database at every join (one query), whatever the socket's snapshot says.
    const member = await loadMemberActor(taskforceId, snapshot.id);
    if (!member) throw new NotFoundError("Taskforce not found.");
    const actor = realtime.refreshSnapshot(socket, member);
    requirePermission(actor, "room:join", { type: "taskforce", taskforceId });
    const { subscription, deliveredUpTo } = await realtime.subscribe(socket, taskforceId);
    try {
      const after = Math.min(lastEventId ?? Math.max(0, deliveredUpTo() - RECENT_WINDOW), deliveredUpTo());
      const events: StoredRoomEvent[] = [];
      let lastSeq = after;
      let live = false;
      for (;;) {
        // Removed from the room while replaying (a revocation, or a newer join of the same room).
        if (!realtime.isSubscribed(socket, subscription)) throw new NotFoundError("Taskforce not found.");
        // Caught up with this node's delivery: hear the rest live, in the same tick (nothing can slip in between).
        if (lastSeq >= deliveredUpTo()) {
          realtime.startLive(socket, subscription, actor);
          live = true;
          break;
        }
        if (events.length >= MAX_REPLAY) break;
        const until = deliveredUpTo();
        const page = await eventsSince(actor, taskforceId, lastSeq, REPLAY_PAGE, { untilSeq: until, audit: false });
        events.push(...page.events);
        lastSeq = page.hasMore ? page.lastSeq : until;
      }
      const hasMore = !live;
      await auditRead(actor, {
        action: "room.join",
        itemType: "TASKFORCE",
        itemId: taskforceId,
        taskforceId,
        details: { lastEventId: lastEventId ?? null, replayed: events.length, upTo: lastSeq },
      });
      // Taken after the last await, so the ack goes out in the same tick: no presence diff can fall between them.
      const presence = realtime.presence.entriesFor(actor, taskforceId, realtime.presenceRecord(socket));
      return { taskforceId, lastEventId: lastSeq, events: events.map(feedEvent), hasMore, presence };
    } catch (error) {
      if (realtime.isSubscribed(socket, subscription)) await realtime.unsubscribe(socket, taskforceId);
      throw error;
    }
  });

  handlers.on("room:leave", roomLeaveSchema, async ({ socket, realtime }, { taskforceId }) => {
    await realtime.unsubscribe(socket, taskforceId);
    return { taskforceId };
  });
}
