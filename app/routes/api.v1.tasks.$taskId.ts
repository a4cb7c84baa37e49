// GET/PATCH /api/v1/tasks/{taskId}
import { getTask, updateTask } from "~/models/tasks.server";
import { apiRoute, param } from "~/utils/api.server";
import { updateTaskSchema } from "~/validation/task";

export const { loader, action } = apiRoute({
  GET: (ctx) => getTask(ctx.actor, param(ctx, "taskId")),
  PATCH: async (ctx) => updateTask(ctx.actor, param(ctx, "taskId"), await ctx.body(updateTaskSchema)),
});
