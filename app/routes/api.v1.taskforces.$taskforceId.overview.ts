// GET /api/v1/taskforces/{taskforceId}/overview — a coordinator's counts: clues per category, leads by status,
// overdue tasks per assignee, activity per day (30 days), of what the caller may see.
import { taskforceOverview } from "~/models/taskforce-overview.server";
import { apiRoute, param } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  GET: (ctx) => taskforceOverview(ctx.actor, param(ctx, "taskforceId")),
});
