// GET/PATCH /api/v1/leads/{leadId}
import { getLead, updateLead } from "~/models/leads.server";
import { apiRoute, param } from "~/utils/api.server";
import { updateLeadSchema } from "~/validation/lead";

export const { loader, action } = apiRoute({
  GET: (ctx) => getLead(ctx.actor, param(ctx, "leadId")),
  PATCH: async (ctx) => updateLead(ctx.actor, param(ctx, "leadId"), await ctx.body(updateLeadSchema)),
});
