// GET/POST /api/v1/cases/{caseId}/clues?category=&cursor=&take=
import { createClue, listCluesJson } from "~/models/clues.server";
import { apiRoute, param } from "~/utils/api.server";
import { createClueSchema, listCluesQuerySchema } from "~/validation/clue";

export const { loader, action } = apiRoute({
  GET: (ctx) => listCluesJson(ctx.actor, param(ctx, "caseId"), ctx.query(listCluesQuerySchema)),
  POST: async (ctx) => createClue(ctx.actor, param(ctx, "caseId"), await ctx.body(createClueSchema), ctx.createOptions),
});
