// GET /api/v1/cases/{caseId}/correlations: the cases linked to a case, aggregated per case (issue 13).
import { caseCorrelationsBody, getCaseCorrelations } from "~/models/correlation.server";
import { apiRoute, param } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  GET: async (ctx) => caseCorrelationsBody(await getCaseCorrelations(ctx.actor, param(ctx, "caseId"))),
});
