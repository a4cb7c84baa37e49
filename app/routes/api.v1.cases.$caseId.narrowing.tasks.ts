// POST /api/v1/cases/{caseId}/narrowing/tasks: one task per chosen candidate country, in one step (coordinator).
import { createCountryTasks } from "~/models/narrowing.server";
import { apiRoute, param } from "~/utils/api.server";
import { countryTasksSchema } from "~/validation/narrowing";

export const { loader, action } = apiRoute({
  POST: async (ctx) => createCountryTasks(ctx.actor, param(ctx, "caseId"), await ctx.body(countryTasksSchema)),
});
