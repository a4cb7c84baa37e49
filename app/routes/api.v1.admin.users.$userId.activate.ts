// POST /api/v1/admin/users/{userId}/activate: vetting done: a pending account becomes active.
import { activateUser } from "~/models/users.server";
import { apiRoute, param } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  POST: (ctx) => activateUser(ctx.actor, param(ctx, "userId")),
});
