// GET /api/v1/tasks/board?taskforceId=&caseId=
import { taskBoard } from "~/models/tasks.server";
import { apiRoute } from "~/utils/api.server";
import { taskBoardQuerySchema } from "~/validation/task";

export const { loader, action } = apiRoute({ GET: (ctx) => taskBoard(ctx.actor, ctx.query(taskBoardQuerySchema)) });
