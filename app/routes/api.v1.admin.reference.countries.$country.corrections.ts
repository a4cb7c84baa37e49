// POST /api/v1/admin/reference/countries/{country}/corrections: correct one field of the shipped row (a new version, audited).
import { correctReference } from "~/models/reference-data.server";
import { apiRoute, param } from "~/utils/api.server";
import { referenceCorrectionSchema } from "~/validation/narrowing";

export const { loader, action } = apiRoute({
  POST: async (ctx) => correctReference(ctx.actor, param(ctx, "country"), await ctx.body(referenceCorrectionSchema)),
});
