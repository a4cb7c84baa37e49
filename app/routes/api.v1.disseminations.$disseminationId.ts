// GET /api/v1/disseminations/{disseminationId} — one package exactly as sent (its `package` is the JSON download).
import { getDissemination } from "~/models/disseminations.server";
import { apiRoute, param } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  GET: (ctx) => getDissemination(ctx.actor, param(ctx, "disseminationId"), "json"),
});
