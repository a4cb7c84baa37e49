// GET /api/v1/tasks/board?taskforceId=&caseId=
import { taskBoard } from "~/models/tasks.server";
import { apiRoute } from "~/utils/api.server";

export const { loader, action } = apiRoute({ GET: (ctx) => taskBoard(ctx.actor, ctx.query) });
