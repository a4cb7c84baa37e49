// POST /api/v1/admin/users/{userId}/suspend: ends every session and drops live connections.
import { suspendUser } from "~/models/users.server";
import { apiRoute, param } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  POST: (ctx) => suspendUser(ctx.actor, param(ctx, "userId")),
});
