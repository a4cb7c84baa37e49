// GET /api/v1/clues/{clueId}/correlations: the clue's links under need-to-know (issue 13).
import { clueCorrelationsBody, getClueCorrelations } from "~/models/correlation.server";
import { apiRoute, param } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  GET: async (ctx) => clueCorrelationsBody(await getClueCorrelations(ctx.actor, param(ctx, "clueId"))),
});
