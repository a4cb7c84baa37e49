// PATCH /api/v1/admin/users/{userId}: role, agency, vetting
import { updateUser } from "~/models/users.server";
import { apiRoute, param } from "~/utils/api.server";
import { userUpdateSchema } from "~/validation/accounts";

export const { loader, action } = apiRoute({
  PATCH: async (ctx) => updateUser(ctx.actor, param(ctx, "userId"), await ctx.body(userUpdateSchema)),
});
