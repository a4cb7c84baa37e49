// GET/POST /api/v1/clues/{clueId}/comments
import { createComment, listComments } from "~/models/comments.server";
import { apiRoute, param } from "~/utils/api.server";
import { commentBodySchema } from "~/validation/comment";

export const { loader, action } = apiRoute({
  GET: (ctx) => listComments(ctx.actor, "CLUE", param(ctx, "clueId")),
  POST: async (ctx) => createComment(ctx.actor, { itemType: "CLUE", itemId: param(ctx, "clueId"), ...(await ctx.body(commentBodySchema)) }, ctx.createOptions),
});
