// PATCH /api/v1/admin/recipients/{recipientId} — retire a contact point or bring it back ({ active }).
import { updateRecipient } from "~/models/disseminations.server";
import { apiRoute, param } from "~/utils/api.server";
import { recipientUpdateSchema } from "~/validation/dissemination";

export const { loader, action } = apiRoute({
  PATCH: async (ctx) => updateRecipient(ctx.actor, param(ctx, "recipientId"), await ctx.body(recipientUpdateSchema)),
});
