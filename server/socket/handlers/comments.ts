// Comments over the socket (text only, mentions resolved by the model).
import { itemOf, oncePerClientEvent } from "~/models/client-events.server";
import { createComment } from "~/models/comments.server";
import { jsonSafe } from "~/models/workspace.server";
import { commentCreateEventSchema } from "~/validation/realtime";
import { handle } from "../handler";
import type { Realtime } from "../realtime";
import type { RealtimeSocket } from "../types";

export function registerCommentHandlers(realtime: Realtime, socket: RealtimeSocket): void {
  handle(realtime, socket, "comment:create", commentCreateEventSchema, async ({ actor }, { clientEventId }, raw) => ({
    item: await oncePerClientEvent(
      actor,
      clientEventId,
      { type: "comment.created" },
      async () => jsonSafe(await createComment(actor, { itemType: raw.itemType, itemId: raw.itemId, body: raw.body }, { clientEventId })),
      itemOf,
    ),
  }));
}
