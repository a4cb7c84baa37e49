// GET/POST /api/v1/cases/{caseId}/leads
import { createLead, listLeads } from "~/models/leads.server";
import { apiRoute, param } from "~/utils/api.server";
import { createLeadSchema, leadFiltersSchema } from "~/validation/lead";

export const { loader, action } = apiRoute({
  GET: (ctx) => listLeads(ctx.actor, param(ctx, "caseId"), ctx.query(leadFiltersSchema)),
  POST: async (ctx) => createLead(ctx.actor, param(ctx, "caseId"), await ctx.body(createLeadSchema), ctx.createOptions),
});
