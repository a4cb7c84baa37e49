// POST /api/v1/notifications/read — mark the caller's notifications read ({ ids } or { all: true }); 200, nothing is created.
import { markNotificationsRead } from "~/models/notifications.server";
import { apiRoute } from "~/utils/api.server";
import { markNotificationsReadSchema } from "~/validation/notification";

export const { loader, action } = apiRoute({
  POST: async (ctx) => Response.json(await markNotificationsRead(ctx.actor, await ctx.body(markNotificationsReadSchema)), { headers: { "Cache-Control": "no-store" } }),
});
