// GET/POST /api/v1/cases/{caseId}/tasks
import { createTask, listTasks } from "~/models/tasks.server";
import { apiRoute, param } from "~/utils/api.server";
import { createTaskSchema } from "~/validation/task";

export const { loader, action } = apiRoute({
  GET: (ctx) => listTasks(ctx.actor, param(ctx, "caseId")),
  POST: async (ctx) => createTask(ctx.actor, param(ctx, "caseId"), await ctx.body(createTaskSchema), ctx.createOptions),
});
