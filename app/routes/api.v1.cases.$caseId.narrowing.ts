// GET /api/v1/cases/{caseId}/narrowing: candidate countries of production from the clues the caller may see.
import { narrowCase, narrowingBody } from "~/models/narrowing.server";
import { apiRoute, param } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  GET: async (ctx) => narrowingBody(await narrowCase(ctx.actor, param(ctx, "caseId"))),
});
