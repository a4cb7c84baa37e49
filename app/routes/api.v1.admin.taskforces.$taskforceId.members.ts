// POST /api/v1/admin/taskforces/{taskforceId}/members: add a member by email
import { addTaskforceMember } from "~/models/taskforces.server";
import { apiRoute, param } from "~/utils/api.server";
import { newMemberSchema } from "~/validation/accounts";

export const { loader, action } = apiRoute({
  POST: async (ctx) => addTaskforceMember(ctx.actor, { taskforceId: param(ctx, "taskforceId"), ...(await ctx.body(newMemberSchema)) }),
});
