// POST /api/v1/{clues|leads}/{id}/review/decision — a liaison's decision { decision, note } on an item under review.
import { decideReview } from "~/models/reviews.server";
import { apiRoute, param, reviewableItemType } from "~/utils/api.server";
import { decideReviewSchema } from "~/validation/review";

export const { loader, action } = apiRoute({
  POST: async (ctx) => decideReview(ctx.actor, reviewableItemType(ctx), param(ctx, "itemId"), await ctx.body(decideReviewSchema)),
});
