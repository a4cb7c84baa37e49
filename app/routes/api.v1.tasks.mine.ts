// GET /api/v1/tasks/mine
import { listMyTasks } from "~/models/tasks.server";
import { apiRoute } from "~/utils/api.server";

export const { loader, action } = apiRoute({ GET: (ctx) => listMyTasks(ctx.actor) });
