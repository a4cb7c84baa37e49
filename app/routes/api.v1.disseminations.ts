// GET /api/v1/disseminations — what was sent from the caller's taskforces, newest first.
import { listDisseminations } from "~/models/disseminations.server";
import { apiRoute } from "~/utils/api.server";
import { listDisseminationsQuerySchema } from "~/validation/dissemination";

export const { loader, action } = apiRoute({
  GET: (ctx) => listDisseminations(ctx.actor, ctx.query(listDisseminationsQuerySchema)),
});
