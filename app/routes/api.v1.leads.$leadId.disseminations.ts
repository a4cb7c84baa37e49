// POST /api/v1/leads/{leadId}/disseminations — a liaison sends an approved lead to a contact point (422 if not approved).
import { disseminateLead } from "~/models/disseminations.server";
import { apiRoute, param } from "~/utils/api.server";
import { createDisseminationSchema } from "~/validation/dissemination";

export const { loader, action } = apiRoute({
  POST: async (ctx) => disseminateLead(ctx.actor, param(ctx, "leadId"), await ctx.body(createDisseminationSchema)),
});
