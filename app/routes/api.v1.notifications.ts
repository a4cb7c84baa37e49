// GET /api/v1/notifications — the caller's notifications, newest first (?unread=true: only unread ones).
import { listNotifications } from "~/models/notifications.server";
import { apiRoute } from "~/utils/api.server";
import { listNotificationsQuerySchema } from "~/validation/notification";

export const { loader, action } = apiRoute({
  GET: (ctx) => listNotifications(ctx.actor, ctx.query(listNotificationsQuerySchema)),
});
