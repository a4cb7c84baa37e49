// GET/POST /api/v1/admin/taskforces (administrators only)
import { createTaskforce, listTaskforces } from "~/models/taskforces.server";
import { apiRoute } from "~/utils/api.server";
import { newTaskforceSchema } from "~/validation/accounts";

export const { loader, action } = apiRoute({
  GET: ({ actor }) => listTaskforces(actor),
  POST: async ({ actor, body }) => createTaskforce(actor, await body(newTaskforceSchema)),
});
