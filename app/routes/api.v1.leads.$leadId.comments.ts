// GET/POST /api/v1/leads/{leadId}/comments
import { createComment, listComments } from "~/models/comments.server";
import { apiRoute, param } from "~/utils/api.server";
import { commentBodySchema } from "~/validation/comment";

export const { loader, action } = apiRoute({
  GET: (ctx) => listComments(ctx.actor, "LEAD", param(ctx, "leadId")),
  POST: async (ctx) => createComment(ctx.actor, { itemType: "LEAD", itemId: param(ctx, "leadId"), ...(await ctx.body(commentBodySchema)) }, ctx.createOptions),
});
