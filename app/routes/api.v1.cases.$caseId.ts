// GET/PATCH /api/v1/cases/{caseId}
import { getCase, updateCase } from "~/models/cases.server";
import { apiRoute, param } from "~/utils/api.server";
import { updateCaseSchema } from "~/validation/case";

export const { loader, action } = apiRoute({
  GET: (ctx) => getCase(ctx.actor, param(ctx, "caseId")),
  PATCH: async (ctx) => updateCase(ctx.actor, param(ctx, "caseId"), await ctx.body(updateCaseSchema)),
});
