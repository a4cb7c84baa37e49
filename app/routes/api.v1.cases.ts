// GET/POST /api/v1/cases
import { createCase, listCases } from "~/models/cases.server";
import { apiRoute } from "~/utils/api.server";

export const { loader, action } = apiRoute({
  GET: ({ actor, query }) => listCases(actor, query),
  POST: async ({ actor, body }) => createCase(actor, await body()),
});
