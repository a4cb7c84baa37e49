// GET /api/v1/admin/reference/countries/{country}: a country's reference row as in force, its corrections and sources.
import { referenceRow } from "~/models/reference-data.server";
import { apiRoute, param } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  GET: (ctx) => referenceRow(ctx.actor, param(ctx, "country")),
});
