// POST /api/v1/admin/users/{userId}/one-time-password: shown once, single use, expires; the user then enrols a
// new second factor and chooses a new password.
import { issueOneTimePassword } from "~/models/users.server";
import { apiRoute, param } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  POST: (ctx) => issueOneTimePassword(ctx.actor, param(ctx, "userId")),
});
