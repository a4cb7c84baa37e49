// GET /api/v1/reviews — the liaison's queue of items awaiting review.
import { listReviewQueue } from "~/models/reviews.server";
import { apiRoute } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  GET: (ctx) => listReviewQueue(ctx.actor),
});
