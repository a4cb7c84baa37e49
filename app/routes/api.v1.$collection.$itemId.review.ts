// POST /api/v1/{clues|leads}/{id}/review — submit a GREEN or CLEAR item for liaison review.
import { requestReview } from "~/models/reviews.server";
import { apiRoute, param, reviewableItemType } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  POST: (ctx) => requestReview(ctx.actor, reviewableItemType(ctx), param(ctx, "itemId")),
});
