// Comments over the socket (text only, mentions resolved by the model).
import { createComment } from "~/models/comments.server";
import { commentCreateEventSchema } from "~/validation/realtime";
import { handle, socketCreate } from "../handler";
import type { Realtime } from "../realtime";
import type { RealtimeSocket } from "../types";

export function registerCommentHandlers(realtime: Realtime, socket: RealtimeSocket): void {
  handle(realtime, socket, "comment:create", commentCreateEventSchema, async ({ actor }, { clientEventId, ...comment }) => ({
    item: await createComment(actor, comment, socketCreate(clientEventId)),
  }));
}
