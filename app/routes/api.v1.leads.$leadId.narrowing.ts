// GET /api/v1/leads/{leadId}/narrowing: candidate countries from the lead's cited clues the caller may see.
import { narrowingBody, narrowLead } from "~/models/narrowing.server";
import { apiRoute, param } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  GET: async (ctx) => narrowingBody(await narrowLead(ctx.actor, param(ctx, "leadId"))),
});
