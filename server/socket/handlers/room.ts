// room:join / room:leave. Joining is checked against the database on every join; the replay is taken after
// the socket is in the room, and live events that arrive meanwhile are delivered after the ack, without repeats.
import type { Actor } from "~/auth/permissions.server";
import { requirePermission } from "~/auth/permissions.server";
import { recordAudit } from "~/models/audit.server";
import { eventsSince, latestRoomSeq, type StoredRoomEvent } from "~/models/rooms.server";
import { NotFoundError } from "~/utils/errors.server";
import { roomJoinSchema, roomLeaveSchema } from "~/validation/realtime";
import { handle } from "../handler";
import { feedEvent, type Realtime } from "../realtime";
import type { RealtimeSocket } from "../types";

/** A first join (no lastEventId) gets the events of the last RECENT_WINDOW seqs as a backlog. */
export const RECENT_WINDOW = 100;
const REPLAY_PAGE = 500;
/** At most this many events in one join ack; the client joins again with the new lastEventId for the rest. */
export const MAX_REPLAY = 2_000;

async function replay(actor: Actor, taskforceId: string, afterSeq: number) {
  const events: StoredRoomEvent[] = [];
  let lastSeq = afterSeq;
  let hasMore = false;
  do {
    const page = await eventsSince(actor, taskforceId, lastSeq, REPLAY_PAGE);
    events.push(...page.events);
    lastSeq = page.lastSeq;
    hasMore = page.hasMore;
  } while (hasMore && events.length < MAX_REPLAY);
  return { events, lastSeq, hasMore };
}

export function registerRoomHandlers(realtime: Realtime, socket: RealtimeSocket): void {
  handle(realtime, socket, "room:join", roomJoinSchema, async ({ actor, afterAck }, { taskforceId, lastEventId }) => {
    requirePermission(actor, "room:join", { type: "taskforce", taskforceId });
    const subscription = await realtime.subscribe(socket, taskforceId);
    try {
      const after = lastEventId ?? Math.max(0, (await latestRoomSeq(taskforceId)) - RECENT_WINDOW);
      const { events, lastSeq, hasMore } = await replay(actor, taskforceId, after);
      // Removed from the room while replaying (a revocation, or a newer join of the same room).
      if (!realtime.isSubscribed(socket, subscription)) throw new NotFoundError("Taskforce not found.");
      const presence = await realtime.presenceFor(actor, await realtime.presenceSnapshot(taskforceId));
      await recordAudit({ actor, action: "room.join", itemType: "TASKFORCE", itemId: taskforceId, taskforceId, details: { lastEventId: lastEventId ?? null }, origin: actor.origin });
      afterAck(() => {
        realtime.finishJoin(socket, subscription, lastSeq);
        void realtime.broadcastPresence(taskforceId).catch((error) => console.error("[realtime] presence failed", error));
      });
      return { taskforceId, lastEventId: lastSeq, events: events.map(feedEvent), hasMore, presence };
    } catch (error) {
      if (realtime.isSubscribed(socket, subscription)) await realtime.unsubscribe(socket, taskforceId);
      throw error;
    }
  });

  handle(realtime, socket, "room:leave", roomLeaveSchema, async (_context, { taskforceId }) => {
    if (await realtime.unsubscribe(socket, taskforceId)) {
      void realtime.broadcastPresence(taskforceId).catch((error) => console.error("[realtime] presence failed", error));
    }
    return { taskforceId };
  });
}
