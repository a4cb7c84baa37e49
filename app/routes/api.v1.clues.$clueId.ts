// GET/PATCH/DELETE /api/v1/clues/{clueId}
import { deleteClue, getClue, updateClue } from "~/models/clues.server";
import { apiRoute, param } from "~/utils/api.server";
import { updateClueSchema } from "~/validation/clue";

export const { loader, action } = apiRoute({
  GET: (ctx) => getClue(ctx.actor, param(ctx, "clueId")),
  PATCH: async (ctx) => updateClue(ctx.actor, param(ctx, "clueId"), await ctx.body(updateClueSchema)),
  DELETE: (ctx) => deleteClue(ctx.actor, param(ctx, "clueId")),
});
