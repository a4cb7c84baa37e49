// POST /api/v1/admin/users/{userId}/reinstate: a suspended account becomes active again.
import { reinstateUser } from "~/models/users.server";
import { apiRoute, param } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  POST: (ctx) => reinstateUser(ctx.actor, param(ctx, "userId")),
});
