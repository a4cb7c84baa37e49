// A liaison's review decision over the socket.
import { decideReview } from "~/models/reviews.server";
import { jsonSafe } from "~/utils/json";
import { reviewDecideEventSchema } from "~/validation/realtime";
import { handle } from "../handler";
import type { Realtime } from "../realtime";
import type { RealtimeSocket } from "../types";

export function registerReviewHandlers(realtime: Realtime, socket: RealtimeSocket): void {
  handle(realtime, socket, "review:decide", reviewDecideEventSchema, async ({ actor }, { itemType, itemId, ...decision }) =>
    ({ item: jsonSafe(await decideReview(actor, itemType, itemId, decision)) }));
}
