// A liaison's review decision over the socket.
import { decideReview } from "~/models/reviews.server";
import { jsonSafe } from "~/utils/json";
import { reviewDecideEventSchema } from "~/validation/realtime";
import { type SocketHandlers } from "../handler";

export function registerReviewHandlers(handlers: SocketHandlers): void {
  handlers.on("review:decide", reviewDecideEventSchema, async ({ actor }, { itemType, itemId, ...decision }) =>
    ({ item: jsonSafe(await decideReview(actor, itemType, itemId, decision)) }));
}
