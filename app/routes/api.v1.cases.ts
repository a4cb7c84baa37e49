// GET/POST /api/v1/cases
import { createCase, listCases } from "~/models/cases.server";
import { apiRoute } from "~/utils/api.server";
import { caseFiltersSchema, createCaseSchema } from "~/validation/case";

export const { loader, action } = apiRoute({
  GET: ({ actor, query }) => listCases(actor, query(caseFiltersSchema)),
  POST: async ({ actor, body, createOptions }) => createCase(actor, await body(createCaseSchema), createOptions),
});
