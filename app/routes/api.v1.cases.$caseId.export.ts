// GET /api/v1/cases/{caseId}/export — every clue and lead of the case the caller may see, as one document.
import { exportCase } from "~/models/exports.server";
import { apiRoute, param } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  GET: (ctx) => exportCase(ctx.actor, param(ctx, "caseId")),
});
