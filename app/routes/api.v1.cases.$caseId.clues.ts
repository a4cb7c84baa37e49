// GET/POST /api/v1/cases/{caseId}/clues?category=&cursor=&take=
import { createClue, listClues } from "~/models/clues.server";
import { apiRoute, param } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  GET: ({ query, ...ctx }) =>
    listClues(ctx.actor, param({ query, ...ctx }, "caseId"), { categoryKey: String(query.category ?? ""), cursor: String(query.cursor ?? ""), take: String(query.take ?? "") }),
  POST: async (ctx) => createClue(ctx.actor, param(ctx, "caseId"), await ctx.body()),
});
