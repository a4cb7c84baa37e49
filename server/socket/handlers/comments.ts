// Comments over the socket (text only, mentions resolved by the model).
import { createComment } from "~/models/comments.server";
import { commentCreateEventSchema } from "~/validation/realtime";
import { type SocketHandlers, socketCreate } from "../handler";

export function registerCommentHandlers(handlers: SocketHandlers): void {
  handlers.on("comment:create", commentCreateEventSchema, async ({ actor }, { clientEventId, ...comment }) => ({
    item: await createComment(actor, comment, socketCreate(clientEventId)),
  }));
}
