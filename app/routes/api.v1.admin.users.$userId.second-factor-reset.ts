// POST /api/v1/admin/users/{userId}/second-factor-reset: clears the TOTP secret and recovery codes and ends every session.
import { resetSecondFactor } from "~/models/users.server";
import { apiRoute, param } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  POST: (ctx) => resetSecondFactor(ctx.actor, param(ctx, "userId")),
});
