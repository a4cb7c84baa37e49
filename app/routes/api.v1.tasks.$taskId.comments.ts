// GET/POST /api/v1/tasks/{taskId}/comments
import { createComment, listComments } from "~/models/comments.server";
import { apiRoute, param } from "~/utils/api.server";
import { commentBodySchema } from "~/validation/comment";

export const { loader, action } = apiRoute({
  GET: (ctx) => listComments(ctx.actor, "TASK", param(ctx, "taskId")),
  POST: async (ctx) => createComment(ctx.actor, { itemType: "TASK", itemId: param(ctx, "taskId"), ...(await ctx.body(commentBodySchema)) }, ctx.createOptions),
});
