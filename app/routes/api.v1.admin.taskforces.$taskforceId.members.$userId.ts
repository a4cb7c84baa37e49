// DELETE /api/v1/admin/taskforces/{taskforceId}/members/{userId}: the member's sockets leave the room at once
import { removeTaskforceMember } from "~/models/taskforces.server";
import { apiRoute, param } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  DELETE: (ctx) => removeTaskforceMember(ctx.actor, { taskforceId: param(ctx, "taskforceId"), userId: param(ctx, "userId") }),
});
